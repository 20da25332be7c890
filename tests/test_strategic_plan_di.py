"""workflows/strategic_plan.bpmn as a document: the validation report, the model's conventions
(lanes and roles, forms, instructions, decisions on form data) and a complete, readable
diagram interchange (every node and flow drawn, shapes in their lanes and apart, orthogonal
edges that touch only their own ends and never run along another flow)."""

from __future__ import annotations

import ast
import json
from itertools import combinations, pairwise

import pytest
from lxml import etree

from stratflow.engine import check
from stratflow.engine.lint import KNOWN_ROLES

from .conftest import ROOT

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "strategic_plan.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI",
      "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
NOT_FLOW_NODES = {"laneSet", "sequenceFlow", "extensionElements", "dataObject", "dataObjectReference",
                  "textAnnotation", "association"}
LANES = {"Belediye Başkanı": "mayor", "Strateji Geliştirme Birimi": "coordinator", "Harcama Birimleri": "unit_manager",
         "Strateji Geliştirme Kurulu": "board_member", "Stratejik Planlama Ekibi": "team_member",
         "Encümen": "council_clerk", "Meclis / Yazı İşleri": "council_clerk"}


@pytest.fixture(scope="module")
def doc():
    return etree.parse(str(BPMN)).getroot()


@pytest.fixture(scope="module")
def process(doc):
    return doc.find("bpmn:process", NS)


def local(el) -> str:
    return etree.QName(el).localname


def flow_nodes(process) -> dict:
    return {el.get("id"): el for el in process if isinstance(el.tag, str) and local(el) not in NOT_FLOW_NODES}


def flows(process) -> dict:
    return {el.get("id"): el for el in process.findall("bpmn:sequenceFlow", NS)}


def props(el) -> dict:
    found = el.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS)
    return {p.get("name"): p.get("value") for p in found}


def forms() -> dict:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}


class Rect:
    def __init__(self, bounds):
        self.x, self.y, self.w, self.h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))

    def overlaps(self, other) -> bool:
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    def inside(self, other) -> bool:
        return (other.x <= self.x and self.x + self.w <= other.x + other.w
                and other.y <= self.y and self.y + self.h <= other.y + other.h)

    def on_border(self, x, y, tolerance=1.0) -> bool:
        """For gateways and events the diamond's corners / circle's points lie on the box border too."""
        within = self.x - tolerance <= x <= self.x + self.w + tolerance and \
            self.y - tolerance <= y <= self.y + self.h + tolerance
        near = min(abs(x - self.x), abs(x - self.x - self.w), abs(y - self.y), abs(y - self.y - self.h))
        return within and near <= tolerance

    def cut_by(self, a, b) -> bool:
        """Does the orthogonal segment a-b pass through the interior?"""
        (x1, y1), (x2, y2) = a, b
        if y1 == y2:
            return self.y < y1 < self.y + self.h and min(x1, x2) < self.x + self.w and max(x1, x2) > self.x
        return self.x < x1 < self.x + self.w and min(y1, y2) < self.y + self.h and max(y1, y2) > self.y


@pytest.fixture(scope="module")
def shapes(doc):
    return {s.get("bpmnElement"): Rect(s.find("dc:Bounds", NS)) for s in doc.iterfind(".//bpmndi:BPMNShape", NS)}


@pytest.fixture(scope="module")
def edges(doc):
    return {e.get("bpmnElement"): [(float(p.get("x")), float(p.get("y"))) for p in e.findall("di:waypoint", NS)]
            for e in doc.iterfind(".//bpmndi:BPMNEdge", NS)}


# -- the validation report ---------------------------------------------------------------------

def test_definition_check_reports_no_errors_and_no_warnings(ctx):
    report = check(BPMN.read_bytes(), BPMN.name, forms())
    assert report.ok, report.as_text()
    assert report.process_id == "strategic_plan" and not report.warnings, report.as_text()
    assert report.lane_roles == LANES


def test_cli_check_says_zero_errors(app):
    result = app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(BPMN)])
    assert result.exit_code == 0, result.output
    assert "strategic_plan.bpmn: 0 hata, 0 uyarı" in result.output


# -- the model's conventions ------------------------------------------------------------------

def test_lanes_carry_roles(process):
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert {lane.get("name"): props(lane).get("role") for lane in lanes} == LANES
    assert set(LANES.values()) <= set(KNOWN_ROLES)
    in_lanes = [ref.text for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(in_lanes) == sorted(flow_nodes(process)), "every node in exactly one lane"


def test_every_user_task_has_a_form_instructions_and_a_lane(process):
    available = forms()
    used = set()
    for task in process.findall("bpmn:userTask", NS):
        form = props(task).get("formJsonSchemaFilename")
        assert form in available, task.get("id")
        used.add(form)
        text = task.findtext("bpmn:extensionElements/spiff:instructionsForEndUser", namespaces=NS) or ""
        assert len(text) > 80, f"{task.get('id')}: instructions too thin"
        assert task.get("name") and task.get("name")[0].isupper()
    for other in sorted(WORKFLOWS.glob("*.bpmn")):  # forms of the other shipped processes (the monitoring)
        for task in etree.parse(str(other)).getroot().iter(f"{{{NS['bpmn']}}}userTask"):
            used.add(props(task).get("formJsonSchemaFilename"))
    assert used == set(available), f"forms no task uses: {set(available) - used}"


def test_forms_are_usable_and_bilingual(ctx):
    from stratflow.engine import form_problem
    for name, schema in forms().items():
        assert form_problem(schema) is None, name
        assert schema["title"] and schema["x-title-en"], name
        for key, prop in schema["properties"].items():
            assert prop.get("title") and prop.get("x-title-en"), f"{name}: {key}"


@pytest.mark.parametrize("task_id, basis", [
    ("voluntary_decision", "md. 41"), ("circular_draft", "md. 41"), ("stakeholder_analysis", "md. 41"),
    ("plan_approval", "md. 38(b) ve 41"), ("encumen_opinion", "md. 34(a)"), ("council_decision", "md. 18(a)"),
    ("extraordinary_call", "md. 20"), ("governor_submission", "md. 23"), ("commission_report", "md. 24")])
def test_instructions_give_the_legal_basis(process, task_id, basis):
    task = process.find(f"bpmn:userTask[@id='{task_id}']", NS)
    assert basis in task.findtext("bpmn:extensionElements/spiff:instructionsForEndUser", namespaces=NS)


def _decision_fields() -> set:
    """Form fields a gateway may decide on: choices (enum / oneOf) and booleans."""
    found = set()
    for schema in forms().values():
        for key, prop in schema["properties"].items():
            if "enum" in prop or "oneOf" in prop or prop.get("type") == "boolean":
                found.add(key)
    return found


# Variables that are not form fields but still no free text: computed by the model's own
# script (a boolean) or given at start from the municipality record (its type is a fixed list).
COMPUTED = {"plan_required": "script mandate_check", "municipality": "start data: municipality[\"type\"]",
            "target_reviews": "multi-instance output of target_review items (review_decision)"}


def test_gateways_decide_on_choices_never_on_free_text(process):
    allowed = _decision_fields() | set(COMPUTED)
    nodes = flow_nodes(process)
    for flow in flows(process).values():
        condition = flow.findtext("bpmn:conditionExpression", namespaces=NS)
        source = nodes[flow.get("sourceRef")]
        if local(source) == "exclusiveGateway" and len(source.findall("bpmn:outgoing", NS)) > 1:
            assert condition or source.get("default") == flow.get("id"), flow.get("id")
        if not condition:
            continue
        tree = ast.parse(condition, mode="eval")
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.comprehension) for n in ast.walk(n.target)
                 if isinstance(n, ast.Name)}
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - bound - {"any"}
        assert names and names <= allowed, (flow.get("id"), names - allowed)
        strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert strings <= _choice_values() | {"type", "review_decision"}, (flow.get("id"), strings)


def _choice_values() -> set:
    values = {"buyuksehir"}  # the municipality types of the start data
    for schema in forms().values():
        for prop in schema["properties"].values():
            values |= {o["const"] for o in prop.get("oneOf", [])} | set(prop.get("enum", []))
            for item in prop.get("items", {}).get("properties", {}).values():
                values |= {o["const"] for o in item.get("oneOf", [])}
    return values


def test_multi_instance_tasks_run_over_the_units(process):
    found = {}
    for task in process.findall("bpmn:userTask", NS):
        loop = task.find("bpmn:multiInstanceLoopCharacteristics", NS)
        if loop is None:
            continue
        item = loop.find("bpmn:inputDataItem", NS).get("id")
        output = loop.find("bpmn:outputDataItem", NS).get("id")
        assert loop.findtext("bpmn:loopDataInputRef", namespaces=NS) == "units"
        assert loop.get("isSequential") in (None, "false")
        assert props(task)["unitVariable"] == item and props(task)["formDataVariable"] == output
        found[task.get("id")] = (loop.findtext("bpmn:loopDataOutputRef", namespaces=NS), output)
    assert found == {"team_nomination": ("nominations", "nomination"), "unit_analysis": ("unit_inputs", "unit_input"),
                     "target_review": ("target_reviews", "unit_review")}


def test_late_nominations_escalate_without_interrupting(process):
    [boundary] = process.findall("bpmn:boundaryEvent", NS)
    assert boundary.get("attachedToRef") == "team_nomination"
    assert boundary.get("cancelActivity") == "false"  # an interrupting timer would drop open units' work
    assert boundary.find("bpmn:timerEventDefinition", NS) is not None


# -- the diagram -------------------------------------------------------------------------------

def test_every_node_and_flow_is_drawn_once(doc, process):
    drawn = [s.get("bpmnElement") for s in doc.iterfind(".//bpmndi:BPMNShape", NS)]
    lanes = [lane.get("id") for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)]
    participants = [p.get("id") for p in doc.iterfind(".//bpmn:participant", NS)]
    assert sorted(drawn) == sorted(list(flow_nodes(process)) + lanes + participants)
    routed = [e.get("bpmnElement") for e in doc.iterfind(".//bpmndi:BPMNEdge", NS)]
    assert sorted(routed) == sorted(flows(process))
    plane = doc.find(".//bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == doc.find("bpmn:collaboration", NS).get("id")


def test_shapes_sit_in_their_lanes_and_apart(process, shapes):
    pool = shapes["Participant_municipality"]
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    lane_rects = [shapes[lane.get("id")] for lane in lanes]
    for rect in lane_rects:
        assert rect.inside(pool)
    for a, b in combinations(lane_rects, 2):
        assert not a.overlaps(b)
    assert sum(r.h for r in lane_rects) == pool.h  # stacked, no gaps
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert shapes[ref.text].inside(shapes[lane.get("id")]), f"{ref.text} outside {lane.get('name')}"
    nodes = flow_nodes(process)
    hosts = {el.get("id"): el.get("attachedToRef") for el in nodes.values() if local(el) == "boundaryEvent"}
    for a, b in combinations(nodes, 2):
        if hosts.get(a) == b or hosts.get(b) == a:
            continue
        assert not shapes[a].overlaps(shapes[b]), f"{a} overlaps {b}"
    for event, host in hosts.items():  # a boundary event sits on its host's border
        e, h = shapes[event], shapes[host]
        assert h.on_border(e.x + e.w / 2, e.y + e.h / 2)


def test_edges_are_orthogonal_and_join_their_own_shapes(process, shapes, edges):
    nodes = flow_nodes(process)
    for flow_id, flow in flows(process).items():
        points = edges[flow_id]
        assert len(points) >= 2
        for (x1, y1), (x2, y2) in pairwise(points):
            assert x1 == x2 or y1 == y2, f"{flow_id} has a diagonal segment"
            assert (x1, y1) != (x2, y2)
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        assert shapes[source].on_border(*points[0]), f"{flow_id} does not start on {source}"
        assert shapes[target].on_border(*points[-1]), f"{flow_id} does not end on {target}"
        for node_id in nodes:
            for i, segment in enumerate(pairwise(points)):
                if node_id == source and i == 0 or node_id == target and i == len(points) - 2:
                    continue
                assert not shapes[node_id].cut_by(*segment), f"{flow_id} runs through {node_id}"


def _collinear_overlap(s, t) -> bool:
    (a, b), (c, d) = s, t
    if a[1] == b[1] == c[1] == d[1]:
        return min(max(a[0], b[0]), max(c[0], d[0])) - max(min(a[0], b[0]), min(c[0], d[0])) > 1
    if a[0] == b[0] == c[0] == d[0]:
        return min(max(a[1], b[1]), max(c[1], d[1])) - max(min(a[1], b[1]), min(c[1], d[1])) > 1
    return False


def test_edges_never_run_along_each_other(process, edges):
    """Flows into one node may merge on their last stretch and a parallel split may fan out
    from one point; any other pair of flows keeps apart."""
    nodes, all_flows = flow_nodes(process), flows(process)
    for a, b in combinations(all_flows.values(), 2):
        if a.get("targetRef") == b.get("targetRef"):
            continue
        if a.get("sourceRef") == b.get("sourceRef") and local(nodes[a.get("sourceRef")]) == "parallelGateway":
            continue
        pa, pb = edges[a.get("id")], edges[b.get("id")]
        for s in pairwise(pa):
            for t in pairwise(pb):
                assert not _collinear_overlap(s, t), f"{a.get('id')} runs along {b.get('id')}"
