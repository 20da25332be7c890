"""The BPMN validation report (stratflow.engine.lint): every rejection has a clear reason,
with the element id and line where there is one; warnings do not block."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask_babel import LazyString

from stratflow import engine
from stratflow.engine.lint_base import MAX_PER_CODE

DATA = Path(__file__).resolve().parent / "data" / "bpmn"
ROOT = Path(__file__).resolve().parent.parent
MAX = 2_000_000
FORM = (DATA / "minimal_form.json").read_bytes()


def minimal(**replace) -> bytes:
    text = (DATA / "minimal.bpmn").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def check(data: bytes, forms=None, name="test.bpmn", max_bytes=MAX) -> engine.Report:
    return engine.check(data, name, {"minimal_form.json": FORM} if forms is None else forms, max_bytes)


def codes(report) -> set[str]:
    return {f.code for f in report.errors}


def only_error(report):
    assert len(report.errors) == 1, report.as_text()
    return report.errors[0]


def test_minimal_file_is_clean():
    report = check(minimal())
    assert report.ok and report.findings == [], report.as_text()
    assert report.process_id == "lint_minimal" and report.process_name == "Küçük deneme süreci"
    assert report.lane_roles == {"Strateji Geliştirme Birimi": "coordinator"}
    assert report.form_refs == {"review": "minimal_form.json"}
    assert report.parser is not None


def test_shipped_workflow_is_clean():
    forms = {p.name: p.read_bytes() for p in (ROOT / "workflows").glob("*.json")}
    report = engine.check((ROOT / "workflows" / "strategic_plan.bpmn").read_bytes(), "strategic_plan.bpmn",
                          forms, MAX)
    assert report.ok and report.warnings == [], report.as_text()


# -- unsafe or unreadable XML -------------------------------------------------------------

def test_external_entity_is_refused_before_parsing():
    report = check((DATA / "xxe.bpmn").read_bytes())
    error = only_error(report)
    assert error.code == "xml.doctype" and error.line == 2
    assert "DOCTYPE" in error.text and "root:" not in report.as_text()


def test_billion_laughs_is_refused():
    error = only_error(check((DATA / "billion_laughs.bpmn").read_bytes()))
    assert error.code == "xml.doctype" and error.line == 2


def test_entity_declaration_alone_is_refused():
    data = minimal(**{'<?xml version="1.0" encoding="UTF-8"?>':
                      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- x -->\n<!ENTITY a "b">'})
    error = only_error(check(data))
    assert error.code == "xml.doctype" and error.line == 3 and "ENTITY" in error.text


def test_invalid_xml_reports_its_line():
    error = only_error(check((DATA / "broken.bpmn").read_bytes()))
    assert error.code == "xml.syntax" and error.line == 5
    assert error.text.startswith("Geçerli bir XML değil:") and "mismatch" in error.text


@pytest.mark.parametrize("data", [b"", b"   \n  "])
def test_empty_file(data):
    assert only_error(check(data)).code == "xml.empty"


def test_oversize_file_is_refused():
    data = minimal()
    error = only_error(check(data, max_bytes=len(data) - 1))
    assert error.code == "xml.too_large"
    assert str(len(data)) in error.text and str(len(data) - 1) in error.text
    assert check(data, max_bytes=len(data)).ok


def test_not_utf8_is_refused():
    utf16 = minimal().decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert only_error(check(utf16)).code == "xml.encoding"
    latin = minimal().decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-9"').encode("iso-8859-9")
    error = only_error(check(latin))
    assert error.code == "xml.encoding" and error.line == 5  # the first Turkish letter


def test_not_bpmn():
    error = only_error(check((DATA / "not_bpmn.bpmn").read_bytes()))
    assert error.code == "xml.not_bpmn" and error.line == 2 and "html" in error.text


def test_wrong_bpmn_namespace_is_named():
    data = minimal().replace(b"http://www.omg.org/spec/BPMN/20100524/MODEL", b"http://schema.omg.org/spec/BPMN/2.0")
    error = only_error(check(data))
    assert error.code == "xml.not_bpmn" and "http://schema.omg.org/spec/BPMN/2.0" in error.text


def test_schema_errors_have_lines():
    data = minimal(**{'<bpmn:endEvent id="done" name="Bitti">': '<bpmn:endEvent id="done" name="Bitti" colour="red">'})
    report = check(data)
    error = next(f for f in report.errors if f.code == "bpmn.schema")
    assert error.line == 42 and "colour" in error.text and error.text.startswith("BPMN 2.0 şemasına uymuyor")


# -- which process ------------------------------------------------------------------------

def test_no_executable_process():
    error = only_error(check((DATA / "no_executable.bpmn").read_bytes()))
    assert error.code == "bpmn.not_executable" and error.element_id == "sketch" and error.line == 3
    assert 'isExecutable="true"' in error.text and "sketch (Taslak)" in error.text


def test_two_executable_processes_are_ambiguous():
    error = only_error(check((DATA / "two_executable.bpmn").read_bytes()))
    assert error.code == "bpmn.ambiguous_process" and "first, second" in error.text


def test_called_process_does_not_count_as_a_second_main_process():
    report = check((DATA / "call_activity.bpmn").read_bytes())
    assert report.ok, report.as_text()
    assert report.process_id == "main"


def test_called_process_is_checked_too():
    data = (DATA / "call_activity.bpmn").read_bytes().replace(b"bpmn:task", b"bpmn:serviceTask")
    error = only_error(check(data))
    assert (error.code, error.element_id, error.line) == ("element.unsupported", "work", 21)


def test_process_without_start_event():
    data = minimal(**{'<bpmn:startEvent id="start" name="Başla">\n      <bpmn:outgoing>f1</bpmn:outgoing>\n'
                      '    </bpmn:startEvent>': ""})
    report = check(data)
    assert "bpmn.no_start" in codes(report)


# -- scripts and conditions -------------------------------------------------------------

def test_unsafe_and_broken_scripts():
    report = check((DATA / "unsafe_scripts.bpmn").read_bytes(), forms={})
    found = {(f.element_id, f.code, f.line) for f in report.errors}
    assert found == {
        ("uses_import", "script.forbidden", 10),
        ("uses_dunder", "script.forbidden", 17),
        ("uses_open", "script.forbidden", 22),
        ("bad_syntax", "script.syntax", 28),
        ("f_eval", "script.forbidden", 47),
    }, report.as_text()
    by_id = {f.element_id: f.text for f in report.errors}
    assert "içe aktarma (import)" in by_id["uses_import"]
    assert "__class__" in by_id["uses_dunder"] and "open" in by_id["uses_open"]
    assert "geçerli Python değil" in by_id["bad_syntax"] and "2. satırı" in by_id["bad_syntax"]


@pytest.mark.parametrize("condition", [
    "__import__('os').system('id')",
    "x.__class__",
    "getattr(x, 'y')",
    "(i for i in []).gi_frame.f_back",
    "'{0.__class__}'.format(x)",
    "exec('1')",
    "eval('1')",
    "open('/etc/passwd')",
    "compile('1', 'f', 'eval')",
    "globals()",
    "type(x)",
])
def test_forbidden_constructs_in_conditions(condition):
    escaped = condition.replace("&", "&amp;").replace("<", "&lt;")
    report = check(minimal(**{"approved is False and rounds &lt; 3": escaped}))
    error = only_error(report)
    assert (error.code, error.element_id, error.line) == ("script.forbidden", "f_again", 50), report.as_text()
    assert "izin verilmeyen" in error.text


@pytest.mark.parametrize("condition", ["approved == True", "len(units) &gt; 0 and units[0]['id'] == 1",
                                       "  rounds &lt; 3", "'a' in ['a', 'b']"])
def test_ordinary_conditions_pass(condition):
    report = check(minimal(**{"approved is False and rounds &lt; 3": condition}))
    assert report.ok, report.as_text()


def test_script_is_parsed_exactly_as_the_engine_runs_it():
    # An indented script body fails in exec(); the report must say so at upload, not at run time.
    body = "\n        rounds = 1\n      "
    with pytest.raises(IndentationError):
        compile(body, "script", "exec")
    report = check(minimal(**{"<bpmn:script>rounds = 1</bpmn:script>": f"<bpmn:script>{body}</bpmn:script>"}))
    error = only_error(report)
    assert (error.code, error.element_id, error.line) == ("script.syntax", "prepare", 27)  # the indented line


def test_empty_condition():
    report = check(minimal(**{"approved is False and rounds &lt; 3": ""}))
    error = only_error(report)
    assert (error.code, error.element_id) == ("script.empty", "f_again")


def test_many_findings_are_capped():
    flows = "".join(f'<bpmn:sequenceFlow id="x{i}" sourceRef="decide" targetRef="done">'
                    f'<bpmn:conditionExpression>a ==</bpmn:conditionExpression></bpmn:sequenceFlow>\n'
                    for i in range(MAX_PER_CODE + 7))
    report = check(minimal(**{"  </bpmn:process>": flows + "  </bpmn:process>"}))
    syntax = [f for f in report.errors if f.code == "script.syntax"]
    assert len(syntax) == MAX_PER_CODE + 1
    assert "7 bulgu daha" in syntax[-1].text


# -- model ------------------------------------------------------------------------------

def test_model_problems_each_with_element_and_line():
    report = check((DATA / "model_problems.bpmn").read_bytes(), forms={})
    found = {(f.code, f.element_id, f.line) for f in report.errors}
    assert found == {
        ("lane.unknown_role", "Lane_boss", 9),
        ("data.unresolved", "ask", 25),
        ("element.unsupported", "call_api", 28),
        ("timer.empty", "wait_empty", 35),
        ("timer.unquoted", "wait_week", 41),
        ("script.language", "f_feel", 61),
    }, report.as_text()
    warning = report.warnings[0]
    assert warning.code == "extension.ignored" and "Camunda" in warning.text
    texts = " ".join(f.text for f in report.errors)
    assert '"P7D"' in texts and "veri deposu" in texts and "FEEL" in texts and "boss" in texts


def test_lane_without_role_warns_but_does_not_block():
    report = check((DATA / "lane_no_role.bpmn").read_bytes())
    assert report.ok
    assert [(f.code, f.element_id, f.line) for f in report.warnings] == [("lane.no_role", "review", 27)]
    assert "Strateji Geliştirme Birimine düşer" in report.warnings[0].text


def test_engine_findings_keep_element_and_line():
    # a non-default branch without condition: our checks pass it, the engine refuses it
    data = minimal(**{'default="f_ok"': ""})
    error = only_error(check(data))
    assert error.code == "engine.unsupported" and error.element_id == "f_ok" and error.line
    assert error.text.startswith("Süreç motoru bu modeli kabul etmiyor:") and "condition" in error.text


def test_dangling_data_reference_in_subprocess_is_reported_not_hanging():
    """SpiffWorkflow 3.2 loops forever on a data object reference that resolves to nothing inside a
    sub-process (its parser walks to the parent and never further); lint must stop before the engine."""
    inner = ('<bpmn:startEvent id="s2"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>'
             '<bpmn:task id="deep"><bpmn:incoming>g1</bpmn:incoming><bpmn:outgoing>g2</bpmn:outgoing>'
             '<bpmn:property id="p1" name="__targetRef_placeholder" />'
             '<bpmn:dataInputAssociation id="in1"><bpmn:sourceRef>ref</bpmn:sourceRef>'
             '<bpmn:targetRef>p1</bpmn:targetRef></bpmn:dataInputAssociation>'
             '</bpmn:task><bpmn:endEvent id="e2"><bpmn:incoming>g2</bpmn:incoming></bpmn:endEvent>'
             '<bpmn:sequenceFlow id="g1" sourceRef="s2" targetRef="deep" />'
             '<bpmn:sequenceFlow id="g2" sourceRef="deep" targetRef="e2" />'
             '<bpmn:dataObjectReference id="ref" dataObjectRef="nowhere" />')
    data = minimal(**{
        '<bpmn:script>rounds = 1</bpmn:script>\n    </bpmn:scriptTask>':
        '<bpmn:script>rounds = 1</bpmn:script>\n    </bpmn:scriptTask>\n'
        '<bpmn:subProcess id="sub1"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2b</bpmn:outgoing>'
        + inner + '</bpmn:subProcess>',
        '<bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="review" />':
        '<bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="sub1" />'
        '<bpmn:sequenceFlow id="f2b" sourceRef="sub1" targetRef="review" />',
        '<bpmn:incoming>f2</bpmn:incoming>\n      <bpmn:outgoing>f3</bpmn:outgoing>':
        '<bpmn:incoming>f2b</bpmn:incoming>\n      <bpmn:outgoing>f3</bpmn:outgoing>',
    })
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("report", check(data)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the check hangs"
    report = result["report"]
    assert [(f.code, f.element_id, f.line) for f in report.errors] == [("data.unresolved", "deep", 28)], \
        report.as_text()
    # with the data object declared in the sub-process the same model is fine
    fixed = data.replace(b'dataObjectRef="nowhere" />', b'dataObjectRef="obj" /><bpmn:dataObject id="obj" />')
    assert check(fixed).ok, check(fixed).as_text()


# -- forms ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    (b"{not json", "geçerli JSON değil"),
    (b"[1, 2]", "JSON nesnesi"),
    (b'{"type": "object", "properties": {"a": {"type": "strin"}}}', "geçerli bir JSON Schema değil"),
    (b'{"type": "array"}', '"type": "object"'),
])
def test_invalid_forms(raw, expected):
    error = only_error(check(minimal(), forms={"minimal_form.json": raw}))
    assert (error.code, error.element_id, error.line) == ("form.invalid", "review", 28)
    assert "minimal_form.json" in error.text and expected in error.text


def test_missing_form():
    error = only_error(check(minimal(), forms={}))
    assert (error.code, error.element_id) == ("form.missing", "review") and "minimal_form.json" in error.text


def test_oversize_form():
    big = b'{"type": "object", "description": "' + b"x" * 5000 + b'"}'
    error = only_error(check(minimal(), forms={"minimal_form.json": big}, max_bytes=4000))
    assert error.code == "form.invalid" and "4000" in error.text


# -- report -----------------------------------------------------------------------------

def test_messages_are_translatable_turkish_msgids(ctx):
    report = check((DATA / "model_problems.bpmn").read_bytes(), forms={})
    own = [f for f in report.findings if not f.code.startswith(("bpmn.schema", "engine."))]
    assert own and all(isinstance(f.message, LazyString) for f in own)
    text = report.as_text()
    assert text.splitlines()[0] == "test.bpmn: 6 hata, 1 uyarı"
    assert "HATA: [satır 9, öğe Lane_boss]" in text and "UYARI: [satır 21, öğe ask]" in text


# -- every expression the engine evaluates is linted ---------------------------------------------

HOSTILE = DATA / "hostile_expressions.bpmn"


def _line_of(fragment: str) -> int:
    lines = HOSTILE.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if fragment in line)


def test_every_evaluated_expression_is_linted_with_element_and_line():
    report = check(HOSTILE.read_bytes(), forms={})
    found = {(f.element_id, f.line) for f in report.errors if f.code == "script.forbidden"}
    assert found == {
        ("cp_instance", _line_of("__import__('os').getcwd()")),         # correlation retrieval expression
        ("start_when", _line_of("__import__('os').system('id')")),      # conditional start event
        ("repeat", _line_of("printer._Printer__filenames")),             # standard loop condition
        ("when_changed", _line_of("('{0.' + '_' * 2")),                  # conditional boundary event
        ("each", _line_of("getattr(rounds, '_' * 2")),                   # multi-instance completion
        ("wait_until", _line_of("<bpmn:condition>_Printer__filenames")),  # conditional catch event
        ("wait_message", _line_of("vars(rounds)")),                      # message correlation (spiff)
        ("loose", _line_of("__subclasses__")),                           # ad-hoc completion condition
    }, report.as_text()


@pytest.mark.parametrize("condition, what", [
    ("x._Printer__filenames", "_Printer__filenames"),
    ("_Printer__filenames", "_Printer__filenames"),
    ("a._B1__c", "_B1__c"),
    ("getattr(x, '__cl' + 'ass__')", "getattr"),
    ("getattr(x, '_' * 2 + 'class' + '_' * 2)", "getattr"),
    ("getattr(x, f\"{'_' * 2}class{'_' * 2}\")", "getattr"),
    ("getattr(x, chr(95) * 2 + 'class' + chr(95) * 2)", "getattr"),
    ("setattr(x, 'a', 1)", "setattr"),
    ("delattr(x, 'a')", "delattr"),
    ("vars(x)", "vars"),
    ("locals()", "locals"),
    ("hasattr(x, chr(95) * 2 + 'class' + chr(95) * 2)", "hasattr"),
    ("('{0.' + '_' * 2 + 'class' + '_' * 2 + '}').format(x)", "format"),
    ("str.format(name, x)", "format"),
    ("name.format(x)", "format"),
])
def test_dynamic_names_and_mangled_attributes_are_refused(condition, what):
    escaped = condition.replace("&", "&amp;").replace("<", "&lt;")
    report = check(minimal(**{"approved is False and rounds &lt; 3": escaped}))
    error = only_error(report)
    assert (error.code, error.element_id, error.line) == ("script.forbidden", "f_again", 50), report.as_text()
    assert what in error.text, error.text


@pytest.mark.parametrize("condition", ["'{} gün'.format(days)", "'{0} / {1}'.format(a, b)", "hasattr(x, 'title')",
                                       "f'{rounds} tur'", "'%s' % rounds", "format(rounds, '02d')"])
def test_literal_formats_and_names_pass(condition):
    report = check(minimal(**{"approved is False and rounds &lt; 3": condition.replace("<", "&lt;")}))
    assert report.ok, report.as_text()


def test_match_class_patterns_cannot_reach_dunders():
    script = ("<bpmn:script>match rounds:\n    case object(__class__=c):\n        rounds = c\n"
              "</bpmn:script>")
    report = check(minimal(**{"<bpmn:script>rounds = 1</bpmn:script>": script}))
    error = only_error(report)
    assert (error.code, error.element_id) == ("script.forbidden", "prepare") and "__class__" in error.text
