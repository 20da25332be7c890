"""Checks on the model itself: lanes and roles, forms, timers, elements stratflow cannot run,
data associations and other tools' extensions. Each finding names its element and line."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..calendar import reminder_policy, rules
from . import meaning
from .lint_base import BPMN_NS, NS

FORM_PROPERTY = "formJsonSchemaFilename"
DUE_RULE_PROPERTY = "dueDateRule"
REMINDER_POLICY_PROPERTY = "reminderPolicy"
KNOWN_ROLES = ("mayor", "deputy_mayor", "coordinator", "unit_manager", "team_member",
               "board_member", "council_clerk")
HUMAN_TAGS = ("userTask", "manualTask")
TIME_TAGS = ("timeDate", "timeDuration", "timeCycle")
UNSUPPORTED = {
    "serviceTask": _l("Servis görevi (serviceTask) desteklenmiyor: stratflow dış servis çağırmaz. "
                      "Yerine kullanıcı görevi ya da betik görevi kullanın."),
    "businessRuleTask": _l("İş kuralı görevi (businessRuleTask) desteklenmiyor: stratflow DMN karar "
                           "tablolarını yüklemez. Kararı bir geçit koşulu ya da betikle yazın."),
    "complexGateway": _l("Karmaşık geçit (complexGateway) desteklenmiyor; dışlayıcı, paralel ya da "
                         "kapsayıcı geçit kullanın."),
}
FOREIGN_EXTENSIONS = {
    "http://camunda.org/schema/1.0/bpmn": "Camunda",
    "http://camunda.org/schema/zeebe/1.0": "Zeebe",
    "http://activiti.org/bpmn": "Activiti",
    "http://flowable.org/bpmn": "Flowable",
    "http://www.jboss.org/drools": "jBPM",
}


def properties(el) -> dict:
    return {p.get("name"): p.get("value")
            for p in el.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS)}


def _label(el) -> str:
    return el.get("name") or el.get("id") or "?"


def _human_tasks(process):
    for tag in HUMAN_TAGS:
        yield from process.iter(f"{{{BPMN_NS}}}{tag}")


def check_lanes(process, report) -> None:
    lane_of, seen = {}, {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        role = properties(lane).get("role")
        name = _label(lane)
        if role and role not in KNOWN_ROLES:
            report.add("error", "lane.unknown_role",
                       _l("“%(lane)s” kulvarındaki rol tanınmıyor: %(role)s. Geçerli roller: %(roles)s",
                          lane=name, role=role, roles=", ".join(KNOWN_ROLES)), lane.get("id"), lane.sourceline)
            role = False  # reported already: no warning for its tasks
        if name in seen and seen[name] != role:
            report.add("error", "lane.duplicate_name",
                       _l("“%(lane)s” adında rolleri farklı birden fazla kulvar var; roller kulvar adına göre "
                          "eşlendiği için adlar benzersiz olmalı.", lane=name), lane.get("id"), lane.sourceline)
        seen[name] = role
        if role:
            report.lane_roles[name] = role
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = (name, role)
    for task in _human_tasks(process):
        lane_name, role = lane_of.get(task.get("id"), (None, None))
        if role or role is False:
            continue
        if lane_name:
            message = _l("“%(task)s” görevinin kulvarına (%(lane)s) rol atanmamış; görev Strateji "
                         "Geliştirme Birimine düşer.", task=_label(task), lane=lane_name)
        else:
            message = _l("“%(task)s” görevi hiçbir kulvarda değil; görev Strateji Geliştirme Birimine düşer.",
                         task=_label(task))
        report.add("warning", "lane.no_role", message, task.get("id"), task.sourceline)


def check_forms(process, forms: dict, max_bytes: int, report) -> None:
    for task in _human_tasks(process):
        ref = (properties(task).get(FORM_PROPERTY) or "").strip()
        if not ref:
            continue
        report.form_refs[task.get("id")] = ref
        if ref not in forms:
            report.add("error", "form.missing",
                       _l("“%(form)s” form dosyası bulunamadı; BPMN dosyasıyla birlikte yükleyin.", form=ref),
                       task.get("id"), task.sourceline)
            continue
        problem = form_problem(forms[ref], max_bytes)
        if problem:
            report.add("error", "form.invalid", _l("“%(form)s” formu kullanılamaz: %(problem)s",
                                                   form=ref, problem=problem), task.get("id"), task.sourceline)


def form_problem(raw, max_bytes: int | None = None):
    """Why a form schema is unusable (a translated text), or None."""
    if isinstance(raw, (bytes, str)):
        if max_bytes is not None and len(raw) > max_bytes:
            return _l("dosya %(size)d bayt; en fazla %(limit)d bayt olabilir", size=len(raw), limit=max_bytes)
        try:
            schema = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return _l("geçerli JSON değil (%(error)s)", error=str(exc)[:300])
    else:
        schema = raw
    if not isinstance(schema, dict):
        return _l("form bir JSON nesnesi olmalı")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return _l("geçerli bir JSON Schema değil: %(error)s (%(path)s)",
                  error=exc.message[:300], path="/".join(map(str, exc.absolute_path)) or "/")
    except RecursionError:
        return _l("şema çok derin iç içe")
    if schema.get("type") != "object":
        return _l("en üst düzeyde \"type\": \"object\" olmalı")
    checks = schema.get("x-checks", [])
    unknown = sorted(str(c) for c in checks if c not in FORM_CHECKS) if isinstance(checks, list) else ["x-checks"]
    if unknown:
        return _l("bilinmeyen denetim (x-checks): %(names)s; bilinenler: %(known)s", names=", ".join(unknown),
                  known=", ".join(sorted(FORM_CHECKS)))
    reserved = sorted(set(schema.get("properties", {})) & RESERVED_VARIABLES)
    if reserved:
        return _l("“%(name)s” alanı süreç verisinin üzerine yazar; alanı yeniden adlandırın",
                  name=", ".join(reserved))
    return None


# The server checks a form may declare ("x-checks"; services/situation_checks.py runs them).
FORM_CHECKS = frozenset({"stakeholder_matrix", "consultation_records", "swot_from_pestle", "deviation_reasons"})
# Process variables the application provides at start: a form field must never replace them.
RESERVED_VARIABLES = frozenset({"municipality", "units"})


def check_timers(process, report) -> None:
    for definition in process.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        texts = [(el.text or "").strip() for tag in TIME_TAGS for el in definition.findall(f"bpmn:{tag}", NS)]
        if not any(texts):
            report.add("error", "timer.empty",
                       _l("“%(event)s” zamanlayıcısının tarihi, süresi ya da döngüsü yazılmamış.",
                          event=_label(event)), event.get("id"), definition.sourceline)


def check_elements(process, report) -> None:
    for tag, message in UNSUPPORTED.items():
        for el in process.iter(f"{{{BPMN_NS}}}{tag}"):
            report.add("error", "element.unsupported", message, el.get("id"), el.sourceline)


def check_data_references(root, process, report) -> None:
    """Data associations must point at a data object the engine can find: one declared in the
    task's own (sub)process or the one directly around it. (The engine's own look-up never
    ends for anything further out, so this check must come first.) Data stores are not run."""
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    refs = [(el, "sourceRef") for el in process.iter(f"{{{BPMN_NS}}}dataInputAssociation")]
    refs += [(el, "targetRef") for el in process.iter(f"{{{BPMN_NS}}}dataOutputAssociation")]
    for association, direction in refs:
        owner = association.getparent()
        reachable = _containers(owner)[:2]
        for ref in association.findall(f"bpmn:{direction}", NS):
            target = by_id.get((ref.text or "").strip())
            data_object = by_id.get(target.get("dataObjectRef")) if target is not None else None
            if target is not None and target.tag == f"{{{BPMN_NS}}}dataObjectReference" \
                    and data_object is not None and data_object.getparent() in reachable:
                continue
            if target is not None and target.tag == f"{{{BPMN_NS}}}dataStoreReference":
                message = _l("“%(task)s” bir veri deposuna (%(ref)s) bağlı; stratflow veri depolarını "
                             "desteklemiyor.", task=_label(owner), ref=_label(target))
            else:
                message = _l("“%(task)s” görevinin veri bağlantısı “%(ref)s” bu sürecin (ya da hemen "
                             "dışındaki alt sürecin) bir veri nesnesine çözümlenemiyor.",
                             task=_label(owner), ref=(ref.text or "").strip())
            report.add("error", "data.unresolved", message, owner.get("id"), ref.sourceline)


_CONTAINERS = {f"{{{BPMN_NS}}}{tag}" for tag in ("process", "subProcess", "transaction", "adHocSubProcess")}


def _containers(el) -> list:
    """The (sub)processes around an element, nearest first."""
    found = []
    node = el.getparent()
    while node is not None:
        if node.tag in _CONTAINERS:
            found.append(node)
        node = node.getparent()
    return found


def check_extensions(root, report) -> None:
    """One warning per foreign extension namespace (e.g. Camunda): stratflow ignores them."""
    seen = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in (el.tag, *el.attrib):
            tool = FOREIGN_EXTENSIONS.get(name[1:].split("}")[0]) if name.startswith("{") else None
            if tool and tool not in seen:
                seen.add(tool)
                report.add("warning", "extension.ignored",
                           _l("%(tool)s uzantıları (örneğin %(name)s) stratflow tarafından yok sayılır.",
                              tool=tool, name=name.split("}")[1]), el.get("id"), el.sourceline)


def check_due_rules(process, report) -> None:
    """Every `dueDateRule` property must parse (stratflow/calendar/rules.py); so must every
    `reminderPolicy` (check_reminder_policies)."""
    check_reminder_policies(process, report)
    for task in _human_tasks(process):
        for prop in task.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS):
            if prop.get("name") != DUE_RULE_PROPERTY:
                continue
            try:
                rules.parse(prop.get("value") or "")
            except rules.RuleError as exc:
                report.add("error", "due_rule.invalid",
                           _l("“%(task)s” görevinin son tarih kuralı (%(rule)s) geçersiz: %(problem)s",
                              task=_label(task), rule=prop.get("value") or "", problem=exc.describe("tr")),
                           task.get("id"), prop.sourceline)


def check_reminder_policies(process, report) -> None:
    """Every `reminderPolicy` property must parse (stratflow/calendar/reminder_policy.py)."""
    for task in _human_tasks(process):
        for prop in task.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS):
            if prop.get("name") != REMINDER_POLICY_PROPERTY:
                continue
            try:
                reminder_policy.parse_policy(prop.get("value") or "")
            except reminder_policy.PolicyError as exc:
                report.add("error", "reminder_policy.invalid",
                           _l("“%(task)s” görevinin hatırlatma politikası (%(policy)s) geçersiz: %(problem)s",
                              task=_label(task), policy=prop.get("value") or "", problem=exc.describe("tr")),
                           task.get("id"), prop.sourceline)


def check_meaning(process, report) -> None:
    """The properties that say what the model means to the application (engine/meaning.py) must
    parse: phases with one milestone each, "N:label" orders, document kind keys, known anchors."""
    tasks = {t.get("id"): t for t in _human_tasks(process) if t.get("id")}
    facts = {bpmn_id: {"properties": properties(task)} for bpmn_id, task in tasks.items()}
    for bpmn_id, problem in meaning.problems(facts, rules.ANCHORS):
        task = tasks.get(bpmn_id)
        report.add("error", "meaning.invalid",
                   _l("“%(task)s”: sürecin uygulamadaki anlamını bildiren özellik geçersiz: %(problem)s",
                      task=_label(task) if task is not None else process.get("id"), problem=problem),
                   bpmn_id or process.get("id"), task.sourceline if task is not None else process.sourceline)
