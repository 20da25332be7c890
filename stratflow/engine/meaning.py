"""What a process model means to the application, declared in the model itself as extension
properties of its user tasks (`spiffworkflow:property`), read once per stored spec.

    phase="circular"                  the task belongs to that phase (its progress counts it)
    phaseStep="board_composition"     counts as that step (alternatives share one step)
    phaseOptional="yes"               may or may not happen (escalations, commission reports)
    phaseMilestone="1:Genelge"        the phase's order and label; this task's due date is its target
    timetable="1:Genelgenin yayımlanması"  a row of the genelge's / program's timetable
    documents="circular,program"      document kinds whose latest version the task's page shows
    unitMatrix="1:Ekip üyesi bildirimi"    a column of the spending-unit matrix
    countdownStop="yes"               once completed, the statutory countdown stops
    completionAnchor="circular_date"  the day this task is completed is that due-date anchor …
    completionAnchorWhen="circular_decision=approve"  … when the submitted form says so
    planContent="seed"                its completion turns the draft's goals/targets/indicators into cards
    planContent="freeze"              its completion freezes a version of all the plan's cards …
    planContentWhen="draft_decision=approve"  … when the submitted form says so
    planContent="freeze_update"       a plan update's council decision: a version of the updated
                                      plan's cards, labelled as the update with its decision

A model without them simply has no phases, timetable or countdown. `problems()` is what
`definitions check` reports about them (element id and a reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PROPERTY_NAMES = ("phase", "phaseStep", "phaseOptional", "phaseMilestone", "timetable", "documents",
                  "unitMatrix", "countdownStop", "completionAnchor", "completionAnchorWhen",
                  "planContent", "planContentWhen")
PLAN_CONTENT = ("seed", "freeze", "freeze_update")
_ORDERED = re.compile(r"^\s*(\d{1,3})\s*:\s*(\S.{0,199})$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_WHEN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]{0,99})\s*=\s*(\S.{0,199})$")
_YES = ("yes", "true")


@dataclass(frozen=True)
class PhaseDef:
    key: str
    order: int
    label: str                  # as the model declares it (Turkish)
    milestone: str              # bpmn_id whose due date is the phase's target
    steps: tuple                # required steps; each a tuple of alternative bpmn_ids
    optional: tuple = ()        # bpmn_ids that may or may not happen

    def all_steps(self) -> set[str]:
        return {s for step in self.steps for s in step} | set(self.optional)


@dataclass(frozen=True)
class Meaning:
    phases: tuple = ()                                   # PhaseDef, in order
    phase_of: dict = field(default_factory=dict)         # bpmn_id -> phase key
    timetable: tuple = ()                                # (label, bpmn_id), in order
    documents_on: dict = field(default_factory=dict)     # bpmn_id -> tuple of document kinds
    unit_steps: tuple = ()                               # (bpmn_id, label), in order
    countdown_stops: frozenset = frozenset()
    completion_anchors: dict = field(default_factory=dict)  # bpmn_id -> (anchor, (field, value) | None)
    plan_content: dict = field(default_factory=dict)     # bpmn_id -> (PLAN_CONTENT item, (field, value) | None)


def _ordered(text: str):
    match = _ORDERED.match(text or "")
    return (int(match.group(1)), match.group(2).strip()) if match else None


def problems(facts: dict, anchors: tuple = ()) -> list[tuple[str, str]]:
    """(element id, what is wrong) for every meaning property that does not parse."""
    found = []
    milestones: dict[str, str] = {}
    for bpmn_id, fact in facts.items():
        props = fact.get("properties") or {}
        phase = props.get("phase")
        if phase is not None and not _KEY.match(phase):
            found.append((bpmn_id, f"phase {phase!r}: a key of lower-case letters, digits and _"))
        for name in ("phaseMilestone", "timetable", "unitMatrix"):
            if name in props and _ordered(props[name]) is None:
                found.append((bpmn_id, f"{name} {props[name]!r}: expected \"N:label\" (e.g. \"1:Genelge\")"))
        if "phaseMilestone" in props:
            if phase is None:
                found.append((bpmn_id, "phaseMilestone without phase"))
            elif phase in milestones:
                found.append((bpmn_id, f"phase {phase!r} has a second milestone (first: {milestones[phase]})"))
            else:
                milestones[phase] = bpmn_id
        for kind in _split(props.get("documents")):
            if not _KEY.match(kind):
                found.append((bpmn_id, f"documents: {kind!r} is not a document kind key"))
        anchor = props.get("completionAnchor")
        if anchor is not None and anchors and anchor not in anchors:
            found.append((bpmn_id, f"completionAnchor {anchor!r}: known anchors are {', '.join(anchors)}"))
        when = props.get("completionAnchorWhen")
        if when is not None and (anchor is None or not _WHEN.match(when)):
            found.append((bpmn_id, "completionAnchorWhen needs completionAnchor and the form \"field=value\""))
        action = props.get("planContent")
        if action is not None and action not in PLAN_CONTENT:
            found.append((bpmn_id, f"planContent {action!r}: expected one of {', '.join(PLAN_CONTENT)}"))
        plan_when = props.get("planContentWhen")
        if plan_when is not None and (action is None or not _WHEN.match(plan_when)):
            found.append((bpmn_id, "planContentWhen needs planContent and the form \"field=value\""))
    phases_used = {(f.get("properties") or {}).get("phase") for f in facts.values()} - {None}
    for phase in sorted(phases_used - set(milestones)):
        found.append(("", f"phase {phase!r} has no task with phaseMilestone"))
    return found


def read(facts: dict) -> Meaning:
    """The model's meaning from its task facts (engine.task_facts); properties that do not parse
    are left out (`definitions check` refuses such a model)."""
    members: dict[str, dict] = {}
    milestones: dict[str, tuple] = {}
    timetable, unit_steps, documents_on, anchors, stops, plan = [], [], {}, {}, set(), {}
    for bpmn_id, fact in facts.items():
        props = fact.get("properties") or {}
        phase = props.get("phase")
        if phase and _KEY.match(phase):
            group = members.setdefault(phase, {"steps": {}, "optional": []})
            if (props.get("phaseOptional") or "").lower() in _YES:
                group["optional"].append(bpmn_id)
            else:
                group["steps"].setdefault(props.get("phaseStep") or bpmn_id, []).append(bpmn_id)
            ordered = _ordered(props.get("phaseMilestone", ""))
            if ordered and phase not in milestones:
                milestones[phase] = (*ordered, bpmn_id)
        for name, target in (("timetable", timetable), ("unitMatrix", unit_steps)):
            ordered = _ordered(props.get(name, ""))
            if ordered:
                target.append((ordered[0], ordered[1], bpmn_id))
        kinds = tuple(k for k in _split(props.get("documents")) if _KEY.match(k))
        if kinds:
            documents_on[bpmn_id] = kinds
        if (props.get("countdownStop") or "").lower() in _YES:
            stops.add(bpmn_id)
        if props.get("completionAnchor"):
            match = _WHEN.match(props.get("completionAnchorWhen") or "")
            anchors[bpmn_id] = (props["completionAnchor"], (match.group(1), match.group(2).strip()) if match else None)
        if props.get("planContent") in PLAN_CONTENT:
            match = _WHEN.match(props.get("planContentWhen") or "")
            plan[bpmn_id] = (props["planContent"], (match.group(1), match.group(2).strip()) if match else None)
    phases = tuple(sorted(
        (PhaseDef(key=key, order=milestones[key][0], label=milestones[key][1], milestone=milestones[key][2],
                  steps=tuple(tuple(ids) for ids in group["steps"].values()), optional=tuple(group["optional"]))
         for key, group in members.items() if key in milestones), key=lambda p: p.order))
    return Meaning(
        phases=phases, phase_of={s: p.key for p in phases for s in p.all_steps()},
        timetable=tuple((label, bpmn_id) for _n, label, bpmn_id in sorted(timetable)),
        documents_on=documents_on, unit_steps=tuple((bpmn_id, label) for _n, label, bpmn_id in sorted(unit_steps)),
        countdown_stops=frozenset(stops), completion_anchors=anchors, plan_content=plan)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
