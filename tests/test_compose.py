"""docker-compose.yml and the Dockerfile, checked against the code (no Docker engine runs here).

The compose file must only set settings stratflow/config.py reads, run real CLI commands, share
one image between the app services, keep secrets out of the repository, and the Dockerfile
must copy files that exist and that the build context does not exclude.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "scheduler")
# What create_app() and `flask --app wsgi` need inside the image.
RUNTIME_PATHS = {"wsgi.py", "stratflow", "templates", "static", "migrations", "workflows"}
INTERPOLATION = re.compile(r"^\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::?\?[^}]*)\}$")
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)[^}]*\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _url(value: str):
    """Split a URL whose parts may be ${VAR:?message} interpolations (they become `env.VAR`)."""
    return urlsplit(VARIABLE.sub(lambda m: f"env.{m['name']}", value))


def config_env_names() -> set[str]:
    """Every environment variable stratflow/config.py reads (os.environ / os.getenv and its helpers)."""
    tree = ast.parse((ROOT / "stratflow" / "config.py").read_text(encoding="utf-8"))

    def reads_environ(node) -> bool:
        return any(isinstance(n, ast.Attribute) and n.attr == "environ" for n in ast.walk(node))

    helpers = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and f.args.args and reads_environ(f)}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            direct = isinstance(func, ast.Attribute) and (
                (func.attr == "get" and isinstance(func.value, ast.Attribute) and func.value.attr == "environ")
                or func.attr == "getenv")
            if direct or (isinstance(func, ast.Name) and func.id in helpers):
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "environ" and isinstance(node.slice, ast.Constant):
            names.add(node.slice.value)
    return names


def test_config_parser_finds_the_main_settings():
    assert {"DATABASE_URL", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT", "STRATFLOW_SCHEDULER_INTERVAL"} \
        <= config_env_names()


def test_services_exist(services):
    assert {"web", "scheduler", "db", "mail", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert "mailpit" in services["mail"]["image"]


def test_app_services_share_one_image(services):
    builds = {repr(services[name].get("build")) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert builds == {"'.'"} or builds == {repr({"context": "."})}, builds
    assert len(images) == 1 and None not in images, images


def test_environment_only_sets_what_config_reads(services):
    known = config_env_names()
    for name in APP_SERVICES:
        env = _environment(services[name])
        unknown = set(env) - known
        assert not unknown, f"{name} sets {sorted(unknown)}, which stratflow/config.py never reads"
        assert {"DATABASE_URL", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT"} <= set(env), name


def test_web_is_served_over_https(services, monkeypatch):
    """Behind TLS: the web service turns on Secure cookies and HSTS (stratflow/config.py)."""
    from stratflow.config import from_environment

    assert "STRATFLOW_HTTPS" in config_env_names()
    monkeypatch.setenv("STRATFLOW_HTTPS", _environment(services["web"])["STRATFLOW_HTTPS"])
    settings = from_environment()
    assert settings["HTTPS"] and settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


def test_no_secret_in_the_repository(services):
    for name in APP_SERVICES:
        env = _environment(services[name])
        assert INTERPOLATION.match(env["SECRET_KEY"]), f"{name}: SECRET_KEY must come from the environment"
        password = _url(env["DATABASE_URL"]).password
        assert password == "env.POSTGRES_PASSWORD", f"{name}: database password must come from the environment"
    db_password = _environment(services["db"])["POSTGRES_PASSWORD"]
    assert INTERPOLATION.match(db_password)


def test_database_and_mail_point_at_their_services(services):
    db_env = _environment(services["db"])
    for name in APP_SERVICES:
        env = _environment(services[name])
        url = _url(env["DATABASE_URL"])
        assert url.scheme in ("postgresql", "postgres") and url.hostname == "db"
        assert (url.port or 5432) == 5432
        assert url.username == db_env["POSTGRES_USER"] and url.path == "/" + db_env["POSTGRES_DB"]
        assert INTERPOLATION.match(db_env["POSTGRES_PASSWORD"])["name"] == url.password.removeprefix("env.")
        assert env["MAIL_SERVER"] == "mail" and env["MAIL_PORT"] == "1025"  # Mailpit's SMTP port


def test_commands_are_real_cli_commands(app, services):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["stratflow", "--help"])
    assert listing.exit_code == 0, listing.output
    commands = set(re.findall(r"^  ([a-z][\w-]*)\s", listing.output.split("Commands:", 1)[1], re.M))
    assert {"setup", "scheduler"} <= commands, listing.output
    expected = {"migrate": "setup", "scheduler": "scheduler"}
    for name, command in expected.items():
        argv = _command(services[name])
        assert argv[:4] == ["flask", "--app", "wsgi", "stratflow"], argv
        assert argv[4] == command and command in commands
        # Click rejects unknown options before it honours --help: this checks the options too.
        result = runner.invoke(args=argv[3:] + ["--help"])
        assert result.exit_code == 0, f"{name}: {result.output}"


def test_web_runs_gunicorn_on_the_wsgi_app(services):
    argv = _command(services["web"])
    assert argv[0] == "gunicorn" and argv[-1] == "wsgi:app"
    tree = ast.parse((ROOT / "wsgi.py").read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "app" for t in n.targets)
               for n in tree.body), "wsgi.py defines no module-level `app`"
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert re.search(r"^gunicorn==", requirements, re.M) and re.search(r"^psycopg\[binary\]==", requirements, re.M)


def _bind_port(argv: list[str]) -> int:
    bind = argv[argv.index("--bind") + 1] if "--bind" in argv else next(
        a.split("=", 1)[1] for a in argv if a.startswith("--bind="))
    return int(bind.rsplit(":", 1)[1])


def _container_ports(service: dict) -> set[int]:
    return {int(str(p).rsplit(":", 1)[-1].split("/")[0]) for p in service.get("ports", [])}


def test_ports_are_consistent(services):
    web = services["web"]
    port = _bind_port(_command(web))
    assert _container_ports(web) == {port}
    health = " ".join(web["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/login" in health or f"localhost:{port}/login" in health
    assert 8025 in _container_ports(services["mail"])  # Mailpit's web UI
    assert not _container_ports(services["db"]), "the database is not published on the host"


def test_healthchecks_and_start_order(services):
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert "/login" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert str(services["migrate"].get("restart", "no")) == "no"
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


# -- Dockerfile ----------------------------------------------------------------------------------

def _dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.removeprefix("**/")):
            result = not negate
    return result


def _stages() -> dict[str, list[tuple[str, str]]]:
    """The Dockerfile's build stages by name ("FROM x AS name"); the last one, the image, is "final"."""
    stages: dict[str, list] = {}
    for instruction, args in _dockerfile():
        if instruction == "FROM":
            words = args.split()
            name = words[-1] if len(words) == 3 and words[1].upper() == "AS" else f"stage{len(stages)}"
            stages[name] = []
        stages[name].append((instruction, args))
    stages["final"] = stages.pop(list(stages)[-1])
    return stages


def copy_sources() -> list[str]:
    """Sources of the final stage's COPYs from the build context (not from another stage)."""
    sources = []
    for instruction, args in _stages()["final"]:
        if instruction == "COPY" and "--from" not in args:
            sources += [p for p in shlex.split(args) if not p.startswith("--")][:-1]
    return sources


def test_dockerfile_assets_stage_installs_the_locked_diagram_viewer():
    stages = _stages()
    assets = stages["assets"]
    assert assets[0][1].startswith("node:")
    copies = " ".join(args for instruction, args in assets if instruction == "COPY")
    assert "package.json" in copies and "package-lock.json" in copies
    assert any(instruction == "RUN" and "npm ci" in args for instruction, args in assets), "npm ci keeps the lock"
    from_assets = [args for instruction, args in stages["final"] if instruction == "COPY" and "--from=assets" in args]
    assert from_assets, "the image takes the viewer from the assets stage"
    parts = [p for p in shlex.split(from_assets[0]) if not p.startswith("--")]
    assert parts[-1].rstrip("/").endswith("static/vendor/bpmn-js")
    for source in parts[:-1]:  # what `make assets` installs locally is what the image copies
        local = ROOT / source.removeprefix("/build/")
        assert local.exists(), f"{source}: not in node_modules (run `make assets`)"
    assert _ignored("node_modules", _dockerignore()), "node_modules is rebuilt in the image, not sent"


def test_dockerfile_base_install_and_catalogs():
    steps = _stages()["final"]
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(args for instruction, args in steps if instruction == "RUN")
    assert "pip install -r requirements.txt" in runs
    assert "pybabel compile -d stratflow/translations" in runs
    assert any(instruction == "USER" for instruction, _args in steps), "the app does not run as root"


def test_dockerfile_copy_sources_exist_and_are_in_the_context():
    patterns = _dockerignore()
    sources = copy_sources()
    assert sources
    for source in sources:
        matches = list(ROOT.glob(source))
        assert matches, f"COPY {source}: no such file"
        assert not _ignored(source.rstrip("/"), patterns), f"COPY {source} is excluded by .dockerignore"
    copied = {Path(s).parts[0] for s in sources}
    assert copied >= RUNTIME_PATHS, f"not copied into the image: {sorted(RUNTIME_PATHS - copied)}"
    # Translations are compiled in the image; the .po sources must reach it.
    assert list((ROOT / "stratflow" / "translations").glob("*/LC_MESSAGES/messages.po"))


def test_dockerignore_keeps_local_state_and_secrets_out():
    patterns = _dockerignore()
    for path in (".git", ".venv", ".env", "instance", "test-artifacts"):
        assert _ignored(path, patterns), f"{path} would be sent to the image build"
