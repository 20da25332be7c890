"""The Python inside a BPMN file: scripts, conditions, timer and loop expressions.

SpiffWorkflow runs scripts with `exec` and conditions with `eval`, with full builtins.
These checks are not a sandbox (uploading BPMN is code deployment, admin only); they
catch mistakes and the obvious ways out of the process data early, at upload, with the
element and line where the expression sits.
"""

from __future__ import annotations

import ast
import re

from flask_babel import lazy_gettext as _l

from .lint_base import BPMN_NS, SPIFF_NS

PYTHON_LANGUAGES = {"python", "python3", "text/x-python", "text/python", "application/x-python",
                    "http://www.python.org/", "https://www.python.org/"}
FORBIDDEN_NAMES = {"exec", "eval", "compile", "open", "globals", "locals", "getattr", "setattr",
                   "delattr", "vars", "dir", "input", "breakpoint", "help", "exit", "quit", "type",
                   "super", "object", "memoryview", "classmethod", "staticmethod", "property"}
# Attributes that reach interpreter internals without a double underscore.
FORBIDDEN_ATTRIBUTES = {"gi_frame", "gi_code", "ag_frame", "ag_code", "cr_frame", "cr_code",
                        "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "tb_frame",
                        "tb_next", "co_code", "func_globals", "format_map", "mro"}
_ISO_VALUE = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}[0-9T:.+\-Z]*)(/\S+)?$")

KINDS = {
    "script": _l("Betik"), "preScript": _l("Ön betik"), "postScript": _l("Son betik"),
    "conditionExpression": _l("Koşul"), "condition": _l("Olay koşulu"), "loopCondition": _l("Döngü koşulu"),
    "timeDate": _l("Zamanlayıcı tarihi"), "timeDuration": _l("Zamanlayıcı süresi"),
    "timeCycle": _l("Zamanlayıcı döngüsü"), "loopCardinality": _l("Döngü sayısı"),
    "completionCondition": _l("Tamamlanma koşulu"), "messagePayload": _l("Mesaj içeriği"),
    "messagePath": _l("Mesaj ilişkilendirme ifadesi"), "formalExpression": _l("Mesaj ilişkilendirme ifadesi"),
    "expression": _l("Mesaj ilişkilendirme ifadesi"), "parameter": _l("Servis parametresi"),
}
# BPMN elements whose text the engine evaluates (wherever they sit): sequence-flow, conditional-event,
# loop and completion conditions, timers, cardinalities, correlation retrieval expressions.
_EVAL_TAGS = ("conditionExpression", "condition", "loopCondition", "completionCondition", "timeDate",
              "timeDuration", "timeCycle", "loopCardinality", "messagePath", "formalExpression")
# … and spiff extension elements it evaluates.
_SPIFF_EVAL_TAGS = ("messagePayload", "expression")
_REQUIRED = ("script", "conditionExpression", "condition")
# Elements that belong to the flow element around them: findings name that element.
_WRAPPERS = ("EventDefinition", "LoopCharacteristics", "extensionElements", "processVariableCorrelation",
             "correlationPropertyRetrievalExpression", "serviceTaskOperator", "parameters")


def expressions(root):
    """(element id, line, kind, code, language, mode) for every piece of Python the engine runs."""
    default_language = root.get("expressionLanguage")
    for el in root.iter(f"{{{BPMN_NS}}}script"):
        owner = el.getparent()
        yield owner.get("id"), el.sourceline, "script", el.text or "", owner.get("scriptFormat"), "exec"
    for tag in ("preScript", "postScript"):
        for el in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            yield _owner(el).get("id"), el.sourceline, tag, el.text or "", None, "exec"
    for tag in _SPIFF_EVAL_TAGS:
        for el in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            yield _owner(el).get("id"), el.sourceline, tag, el.text or "", None, "eval"
    for el in root.iter(f"{{{SPIFF_NS}}}parameter"):
        if el.get("value") is not None:  # a service task's parameter value is evaluated
            yield _owner(el).get("id"), el.sourceline, "parameter", el.get("value"), None, "eval"
    for tag in _EVAL_TAGS:
        for el in root.iter(f"{{{BPMN_NS}}}{tag}"):
            language = el.get("language") or default_language
            yield _owner(el).get("id"), el.sourceline, tag, el.text or "", language, "eval"


def _owner(el):
    """The flow element (or other element with an id) an expression belongs to, skipping event
    definitions, loop characteristics and extension wrappers."""
    node = el.getparent()
    while node is not None and (node.get("id") is None or _is_wrapper(node)):
        node = node.getparent()
    return node if node is not None else el


def _is_wrapper(node) -> bool:
    tag = node.tag if isinstance(node.tag, str) else ""
    return tag.split("}")[-1].endswith(_WRAPPERS)


def check_scripts(root, report) -> None:
    for element_id, line, kind, code, language, mode in expressions(root):
        label = KINDS[kind]
        if not code.strip():
            if kind in _REQUIRED:
                report.add("error", "script.empty", _l("%(kind)s boş.", kind=label), element_id, line)
            continue
        if language and language.strip().lower() not in PYTHON_LANGUAGES:
            report.add("error", "script.language",
                       _l("%(kind)s “%(language)s” dilinde yazılmış; stratflow yalnızca Python "
                          "ifadelerini çalıştırır.", kind=label, language=language),
                       element_id, line)
            continue
        if kind.startswith("time") and _ISO_VALUE.match(code.strip()):
            report.add("error", "timer.unquoted",
                       _l("%(kind)s Python ifadesi olarak değerlendirilir; ISO 8601 değerini tırnak "
                          "içinde yazın: \"%(value)s\"", kind=label, value=code.strip()),
                       element_id, line)
            continue
        _check_python(code, mode, label, element_id, line, report)


def _check_python(code, mode, label, element_id, line, report) -> None:
    """Parse exactly what the engine will run: `exec(text)` or `eval(text)` (which drops
    leading blanks and tabs only)."""
    source = code.lstrip(" \t") if mode == "eval" else code

    def file_line(lineno):
        return line + (lineno or 1) - 1 if line else None

    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError) as exc:
        where = getattr(exc, "lineno", None) or 1
        report.add("error", "script.syntax",
                   _l("%(kind)s geçerli Python değil: %(error)s (ifadenin %(line)d. satırı)",
                      kind=label, error=getattr(exc, "msg", None) or str(exc), line=where),
                   element_id, file_line(where))
        return
    for node in ast.walk(tree):
        problem = forbidden(node)
        if problem is not None:
            report.add("error", "script.forbidden",
                       _l("%(kind)s izin verilmeyen bir yapı kullanıyor: %(what)s.", kind=label, what=problem),
                       element_id, file_line(getattr(node, "lineno", 1)))
            return


_MANGLED = re.compile(r"_[A-Za-z][A-Za-z0-9]*__")  # a class-private name: _Printer__filenames
_NAMED_BY_STRING = ("hasattr",)  # builtins that take an attribute name: only a plain literal one
_FORMATTERS = ("format", "format_map")  # "{0.attr}".format(x) reads attributes named in the text


def _private(name: str) -> bool:
    return name.startswith("__") or bool(_MANGLED.search(name))


def forbidden(node):
    """A description of a forbidden construct, or None."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return _l("içe aktarma (import)")
    if isinstance(node, ast.Attribute):
        return _attribute_problem(node)
    if isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or _private(node.id)):
        return _l("“%(name)s” adı", name=node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and ("__" in node.value
                                                                            or _MANGLED.search(node.value)):
        return _l("“__” içeren metin")
    if isinstance(node, ast.Call):
        return _call_problem(node)
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return _l("global/nonlocal bildirimi")
    if isinstance(node, (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)):
        return _l("eşzamansız (async) kod")
    for name in _names_of(node):
        if _private(name):
            return _l("“%(name)s” adı", name=name)
    return None


def _attribute_problem(node: ast.Attribute):
    if _private(node.attr) or node.attr in FORBIDDEN_ATTRIBUTES:
        return _l("“%(name)s” özniteliği", name=node.attr)
    if node.attr in _FORMATTERS and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
        # the text decides which attributes are read: only a literal text, checked above, may format
        return _l("“%(name)s” yalnızca yazılı bir metinle kullanılabilir", name=node.attr)
    return None


def _call_problem(node: ast.Call):
    func = node.func
    if isinstance(func, ast.Name) and func.id in _NAMED_BY_STRING:
        name = node.args[1] if len(node.args) > 1 else None
        literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
        if not literal or _private(name.value):
            return _l("“%(name)s” yalnızca yazılı bir öznitelik adıyla kullanılabilir", name=func.id)
    return None


def _names_of(node) -> list[str]:
    """Names a node binds or matches by text: definitions, arguments, keywords, match patterns."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.keyword):
        return [node.arg] if node.arg else []
    if isinstance(node, ast.MatchClass):
        return list(node.kwd_attrs)
    if isinstance(node, (ast.MatchAs, ast.MatchStar)):
        return [node.name] if node.name else []
    if isinstance(node, ast.MatchMapping):
        return [node.rest] if node.rest else []
    if isinstance(node, ast.alias):
        return [node.name, node.asname or ""]
    return []
