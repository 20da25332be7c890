"""House rules that keep the code base in shape."""

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from stratflow.config import from_environment, normalise_db_url
from stratflow.extensions import db

PACKAGE = Path(__file__).resolve().parent.parent / "stratflow"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_the_engine_imports_spiffworkflow():
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if "engine" not in p.relative_to(PACKAGE).parts
                 and any(n.split(".")[0] == "SpiffWorkflow" for n in _imports(p))]
    assert offenders == []


def test_views_do_not_reach_the_engine_or_models_queries_directly():
    for path in (PACKAGE / "web").glob("*.py"):
        assert not any(n.endswith(".engine") or n == "engine" for n in _imports(path)), path.name


def test_web_never_queries_or_commits_itself():
    """Views call services; the request's one commit is web/unit_of_work.py's."""
    offenders = []
    for path in (PACKAGE / "web").glob("*.py"):
        if path.name == "unit_of_work.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module.split(".")
                if "models" in module or ("extensions" in module and "db" in {a.name for a in node.names}):
                    offenders.append(f"{path.name}:{node.lineno}: imports {node.module}")
        text = path.read_text()
        if "db.session" in text or "db.select" in text:
            offenders.append(f"{path.name}: uses db")
    assert offenders == []


def _service_graph() -> dict[str, set[str]]:
    """services module -> the services modules it imports, at module level or inside functions."""
    folder = PACKAGE / "services"
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__"}
    graph = {}
    for path in folder.glob("*.py"):
        if path.stem == "__init__":
            continue
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level == 1:
                found |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif node.level == 2 and node.module and node.module.split(".")[0] == "services":
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        graph[path.stem] = found & modules
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_among_services():
    assert _cycles(_service_graph()) == []


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_services_import_services_at_module_level_only():
    """An import hidden inside a function hides a dependency (and, usually, a cycle)."""
    offenders = []
    for path in (PACKAGE / "services").glob("*.py"):
        for function in [n for n in ast.walk(ast.parse(path.read_text()))
                         if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level >= 1:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_services_never_import_the_web_layer():
    for path in (PACKAGE / "services").glob("*.py"):
        assert not any(n.split(".")[0] == "web" or ".web" in n for n in _imports(path)), path.name


def test_migrations_match_the_models(ctx):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], "models changed without an Alembic revision: " + repr(diff)


def test_configuration_defaults_and_environment(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert from_environment()["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert from_environment()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert normalise_db_url("sqlite:///x.db") == "sqlite:///x.db"
