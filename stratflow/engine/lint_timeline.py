"""The due-date rules against the process order: no step may be due after a step that follows it.

The model's graph comes from the XML (sequence flows; a boundary event follows the task it is
attached to); the rules are evaluated for reference cycles (calendar/timeline.py: the 2019, 2024
and 2029 elections, a metropolitan and a district municipality, nothing entered yet). Each
inverted pair is reported once, on the earlier step, with both element ids. A warning: the model
runs (at run time the earlier step is moved forward, timeline.schedule), but its author should
know that its rules contradict its order.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..calendar import rules, timeline
from .lint_base import BPMN_NS, NS
from .lint_model import DUE_RULE_PROPERTY, HUMAN_TAGS, properties

REFERENCE_TYPES = ("buyuksehir", "ilce")


def _graph(process):
    edges = [(f.get("sourceRef"), f.get("targetRef")) for f in process.iter(f"{{{BPMN_NS}}}sequenceFlow")]
    edges += [(b.get("attachedToRef"), b.get("id")) for b in process.iter(f"{{{BPMN_NS}}}boundaryEvent")]
    starts = [s.get("id") for s in process.iter(f"{{{BPMN_NS}}}startEvent")]
    tasks = {t.get("id"): t for tag in HUMAN_TAGS for t in process.iter(f"{{{BPMN_NS}}}{tag}")}
    return edges, starts, tasks


def _rules(tasks) -> dict:
    found = {}
    for task_id, task in tasks.items():
        text = properties(task).get(DUE_RULE_PROPERTY)
        if not text:
            continue
        try:
            found[task_id] = (text, rules.parse(text))
        except rules.RuleError:
            continue  # check_due_rules reports it
    return found


def check_due_rule_order(process, report) -> None:
    edges, starts, tasks = _graph(process)
    parsed = _rules(tasks)
    if len(parsed) < 2:
        return
    successors = timeline.forward_steps(edges, starts, tasks)
    reported = set()
    for election in timeline.REFERENCE_ELECTIONS:
        for kind in REFERENCE_TYPES:
            anchors = timeline.reference_anchors(election, kind)
            own = {task_id: rules.evaluate(rule, anchors) for task_id, (_text, rule) in parsed.items()}
            for found in timeline.inversions(successors, own):
                if (found.first, found.then) in reported:
                    continue
                reported.add((found.first, found.then))
                first, then = tasks[found.first], tasks[found.then]
                report.add("warning", "due_rule.inverted", _l(
                    "“%(first)s” (%(first_id)s, kural %(first_rule)s) %(first_due)s tarihinde, ondan sonra gelen "
                    "“%(then)s” (%(then_id)s, kural %(then_rule)s) %(then_due)s tarihinde bitmeli: son tarih "
                    "kuralları süreç sırasıyla çelişiyor (%(year)d seçimleri). Çalışırken önceki adımın son "
                    "tarihi öne çekilir; kuralı düzeltin.",
                    first=first.get("name") or found.first, first_id=found.first,
                    first_rule=parsed[found.first][0], first_due=found.first_due.strftime("%d.%m.%Y"),
                    then=then.get("name") or found.then, then_id=found.then, then_rule=parsed[found.then][0],
                    then_due=found.then_due.strftime("%d.%m.%Y"), year=election.year),
                    found.first, _rule_line(first))


def _rule_line(task) -> int | None:
    for prop in task.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS):
        if prop.get("name") == DUE_RULE_PROPERTY:
            return prop.sourceline
    return task.sourceline
