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
