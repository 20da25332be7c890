"""BPMN definitions: import through the service, the admin pages and the command line;
versions; and every BPMN-MIWG reference file either imported or rejected with a reason."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from stratflow.extensions import db
from stratflow.models import (
    AuditEvent,
    DefinitionVersion,
    Municipality,
    ProcessDefinition,
    ProcessInstance,
    RoleAssignment,
    SpendingUnit,
    TaskRecord,
    User,
)
from stratflow.services import definitions as defs
from tests.helpers import complete

from .conftest import signed_in

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "bpmn"
MIWG = ROOT / ".." / "shared" / "bpmn-miwg"
WORKFLOW = ROOT / "workflows" / "strategic_plan.bpmn"

# What the checks make of each BPMN-MIWG file: None = imported; otherwise the error codes
# of the rejection. These are descriptive models from other tools (mostly not executable).
MIWG_EXPECTED = {
    "bpmn-io/A.1.0-export.bpmn": ("bpmn.not_executable",),
    "bpmn-io/A.2.0-export.bpmn": ("bpmn.not_executable",),
    "bpmn-io/A.2.1-export.bpmn": ("script.empty",),
    "bpmn-io/A.3.0-export.bpmn": ("engine.unsupported",),
    "bpmn-io/A.4.0-export.bpmn": None,
    "bpmn-io/A.4.1-export.bpmn": None,
    "bpmn-io/B.1.0-export.bpmn": ("element.unsupported", "timer.empty"),
    "bpmn-io/B.2.0-export.bpmn": ("element.unsupported", "script.empty", "timer.empty"),  # empty event conditions
    "bpmn-io/C.1.0-export.bpmn": ("timer.empty",),
    "bpmn-io/C.1.1-export.bpmn": ("element.unsupported",),
    "bpmn-io/C.2.0-export.bpmn": None,
    "bpmn-io/C.3.0-export.bpmn": ("timer.empty",),
    "bpmn-io/C.4.0-export.bpmn": ("bpmn.not_executable",),
    "bpmn-io/C.5.0-export.bpmn": ("data.unresolved",),
    "bpmn-io/C.6.0-export.bpmn": ("element.unsupported", "timer.empty"),
    "bpmn-io/C.7.0-export.bpmn": ("element.unsupported",),
    "bpmn-io/C.8.0-export.bpmn": ("bpmn.not_executable",),
    "bpmn-io/C.8.1-export.bpmn": ("bpmn.not_executable",),
    "bpmn-io/C.9.0-export.bpmn": ("element.unsupported",),
    "bpmn-io/C.9.1-export.bpmn": ("timer.empty",),
    "bpmn-io/C.9.2-export.bpmn": ("timer.empty",),
    "reference/A.1.0.bpmn": ("bpmn.not_executable",),
    "reference/A.2.0.bpmn": ("bpmn.not_executable",),
    "reference/A.2.1.bpmn": ("bpmn.not_executable",),
    "reference/A.3.0.bpmn": ("bpmn.not_executable",),
    "reference/A.4.0.bpmn": ("bpmn.not_executable",),
    "reference/A.4.1.bpmn": ("bpmn.not_executable",),
    "reference/B.1.0.bpmn": ("bpmn.not_executable",),
    "reference/B.2.0.bpmn": ("bpmn.not_executable",),
    "reference/C.1.0.bpmn": ("element.unsupported", "script.language"),
    "reference/C.1.1.bpmn": ("element.unsupported", "script.language"),
    "reference/C.2.0.bpmn": ("bpmn.not_executable",),
    "reference/C.3.0.bpmn": ("script.language",),
    "reference/C.4.0.bpmn": ("bpmn.not_executable",),
    "reference/C.5.0.bpmn": ("bpmn.not_executable",),
    "reference/C.6.0.bpmn": ("bpmn.not_executable",),
    "reference/C.7.0.bpmn": ("bpmn.not_executable",),
    "reference/C.8.0.bpmn": ("bpmn.not_executable",),
    "reference/C.8.1.bpmn": ("data.unresolved", "element.unsupported", "script.language"),
    "reference/C.9.0.bpmn": ("element.unsupported", "script.syntax"),
    "reference/C.9.1.bpmn": ("timer.unquoted",),
    "reference/C.9.2.bpmn": ("script.syntax", "timer.unquoted"),
}


def _miwg_files() -> list[str]:
    found = sorted(p.relative_to(MIWG).as_posix() for p in MIWG.glob("*/*.bpmn"))
    # A missing folder must fail the tests below, never leave them with nothing to run.
    return found or ["<missing: ../shared/bpmn-miwg>"]


def _max(app) -> int:
    return app.config["MAX_BPMN_BYTES"]


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


# The demo's admin@stratflow.local cannot pass the login form's e-mail check (".local" is a
# special-use domain), so these tests sign in as another administrator.
ADMIN = "yonetici@stratflow.example"


@pytest.fixture
def admin(ctx):
    from stratflow.services.accounts import hash_password
    user = User(email=ADMIN, full_name="Ayla Yönetici", password_hash=hash_password("Demo.2024"))
    user.roles.append(RoleAssignment(role="admin"))
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def admin_browser(admin, client):
    return signed_in(client, ADMIN)


def _upload(browser, bpmn: bytes, name: str = "process.bpmn", forms: list[tuple[bytes, str]] = ()):
    data = {"bpmn": (io.BytesIO(bpmn), name), "forms": [(io.BytesIO(raw), n) for raw, n in forms]}
    return browser.post("/admin/definitions", data, form_page="/admin/definitions",
                        content_type="multipart/form-data")


# -- BPMN-MIWG ----------------------------------------------------------------------------

def test_miwg_folder_is_there():
    assert MIWG.is_dir(), f"{MIWG} is missing"
    assert sorted(_miwg_files()) == sorted(MIWG_EXPECTED), "the MIWG files changed: update MIWG_EXPECTED"


@pytest.mark.parametrize("name", _miwg_files())
def test_miwg_file_through_the_service(ctx, name):
    path = MIWG / name
    assert path.is_file(), f"{path} is missing"
    expected = MIWG_EXPECTED[name]
    versions_before = _count(DefinitionVersion)
    try:
        version = defs.import_definition(path.read_bytes(), path.name, {}, _max(ctx))
    except defs.DefinitionRejected as exc:
        db.session.rollback()
        report = exc.report
        assert expected is not None, f"{name} was rejected:\n{report.as_text()}"
        assert tuple(sorted({f.code for f in report.errors})) == expected, report.as_text()
        for finding in report.errors:
            assert finding.text.strip(), finding
            if finding.code not in ("bpmn.schema",):
                assert finding.element_id or finding.line, finding.as_text()
        assert _count(DefinitionVersion) == versions_before
        return
    db.session.commit()
    assert expected is None, f"{name} was imported but should be rejected for {expected}"
    assert version.version == 1 and version.spec_json and version.bpmn_xml == path.read_text(encoding="utf-8")
    assert db.session.execute(db.select(AuditEvent).filter_by(action="definition.imported")).scalar_one()


@pytest.mark.parametrize("name", _miwg_files())
def test_miwg_file_through_the_upload_page(admin_browser, name):
    path = MIWG / name
    assert path.is_file(), f"{path} is missing"
    expected = MIWG_EXPECTED[name]
    response = _upload(admin_browser, path.read_bytes(), path.name)
    page = response.get_data(as_text=True)
    if expected is None:
        assert response.status_code == 302, page[:2000]
        assert _count(DefinitionVersion) == 1
    else:
        assert response.status_code == 422, page[:2000]
        assert 'data-test="report"' in page and 'data-ok="false"' in page
        for code in expected:
            assert f'data-code="{code}"' in page
        assert _count(DefinitionVersion) == 0


# -- service ------------------------------------------------------------------------------

def test_import_stores_a_version_with_its_forms_and_audit(ctx):
    data = (DATA / "minimal.bpmn").read_bytes()
    result = defs.import_upload(data, "minimal.bpmn", {"minimal_form.json": (DATA / "minimal_form.json").read_bytes(),
                                                       "spare.json": b"{}"}, _max(ctx), source="test")
    db.session.commit()
    version = result.version
    assert result.created and version.version == 1 and version.definition.key == "lint_minimal"
    assert version.forms == {"minimal_form.json": {"type": "object", "title": "Gözden geçirme",
                                                   "required": ["approved"],
                                                   "properties": {"approved": {"type": "boolean", "title": "Uygun"}}}}
    assert [f.code for f in result.report.warnings] == ["form.unused"]
    event = db.session.execute(db.select(AuditEvent).filter_by(action="definition.imported")).scalar_one()
    assert event.details["key"] == "lint_minimal" and event.details["version"] == 1
    assert event.details["forms"] == ["minimal_form.json"] and event.details["source"] == "test"

    again = defs.import_upload(data, "minimal.bpmn", {}, _max(ctx))  # forms fall back to the stored ones
    assert not again.created and again.version.id == version.id
    assert _count(AuditEvent) == 1


def test_rejected_import_stores_nothing(ctx):
    with pytest.raises(defs.DefinitionRejected) as caught:
        defs.import_definition((DATA / "unsafe_scripts.bpmn").read_bytes(), "unsafe_scripts.bpmn", {}, _max(ctx))
    assert "5 hata" in caught.value.message
    db.session.rollback()
    assert _count(ProcessDefinition) == 0 and _count(DefinitionVersion) == 0 and _count(AuditEvent) == 0


# -- versions: running instances keep theirs ---------------------------------------------

def _open_tasks(bpmn_id=None):
    query = db.select(TaskRecord).filter_by(state="open")
    if bpmn_id:
        query = query.filter_by(bpmn_id=bpmn_id)
    return list(db.session.execute(query).scalars())


def test_running_instance_keeps_its_version_and_new_ones_use_the_new(demo, ctx):
    import time_machine

    from stratflow.services import instances, tasks

    v1 = defs.current_version("strategic_plan")
    old = db.session.execute(db.select(ProcessInstance)).scalar_one()
    assert old.version_id == v1.id
    text = WORKFLOW.read_text(encoding="utf-8")
    changed = (text.replace('name="Ekip listesini kesinleştir"', 'name="Ekip listesini onayla (v2)"')
               .replace('name="Stratejik Plan Genelgesi taslağını hazırla"', 'name="Genelge taslağını yaz (v2)"'))
    assert changed.count("(v2)") == 2
    v2 = defs.import_definition(changed.encode("utf-8"), "strategic_plan.bpmn", {}, _max(ctx))
    db.session.commit()
    assert (v2.version, v2.definition_id) == (2, v1.definition_id) and v2.forms == v1.forms

    coordinator = db.session.execute(db.select(User).filter_by(email="sgm@camlitepe.bel.tr")).scalar_one()
    for task in _open_tasks("team_nomination"):
        complete(task, {"no_nominee": True, "no_nominee_reason": "Personel yetersiz."})
        db.session.commit()
    [team] = _open_tasks("team_list")
    assert team.name == "Ekip listesini kesinleştir"  # still v1
    kickoff = date.today() + timedelta(days=2)
    tasks.complete(team.id, coordinator, {"team_leader": "Zeynep Çelik", "kickoff_date": kickoff.isoformat()})
    db.session.commit()
    later = datetime.combine(kickoff + timedelta(days=1), datetime.min.time()) + timedelta(hours=12)
    with time_machine.travel(later, tick=False):
        assert instances.fire_timers(old.id, later)
    db.session.commit()
    [program] = _open_tasks("program_draft")  # the old instance moves on, still on v1
    db.session.expire_all()
    old = db.session.get(ProcessInstance, old.id)
    assert program.instance_id == old.id and old.status == "running" and old.version_id == v1.id

    town = Municipality(name="Deneme Belediyesi", province="Balıkesir", type="ilce", population=60000,
                        election_date=date(2024, 3, 31))
    db.session.add_all([town, SpendingUnit(municipality=town, name="Yazı İşleri Müdürlüğü")])
    coordinator.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.flush()
    new = instances.start_instance(town, coordinator)
    db.session.commit()
    assert new.version_id == v2.id
    [first] = [t for t in _open_tasks() if t.instance_id == new.id]
    assert first.name == "Genelge taslağını yaz (v2)"


# -- admin pages --------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["sgm@camlitepe.bel.tr", "baskan@camlitepe.bel.tr", "danisman@aymett.example"])
def test_definitions_pages_are_404_for_non_admins(demo, client, email):
    version = defs.current_version("strategic_plan")
    b = signed_in(client, email)
    assert "/admin/definitions" not in b.get("/").get_data(as_text=True)
    for path in ("/admin/definitions", f"/admin/definitions/strategic_plan/versions/{version.version}",
                 f"/admin/definitions/strategic_plan/versions/{version.version}/bpmn"):
        assert b.get(path).status_code == 404
    response = _upload(b, (DATA / "minimal.bpmn").read_bytes(), "minimal.bpmn")
    assert response.status_code == 404
    assert _count(DefinitionVersion) == len(list(ROOT.joinpath("workflows").glob("*.bpmn")))  # the shipped ones


def test_definitions_page_needs_sign_in(client, ctx):
    response = client.get("/admin/definitions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_list_shows_versions_with_hash_uploader_and_instances(demo, admin, client):
    b = signed_in(client, ADMIN)
    text = WORKFLOW.read_text(encoding="utf-8").replace('name="Genelgeyi onayla"', 'name="Genelgeyi imzala"')
    response = _upload(b, text.encode("utf-8"), "strategic_plan.bpmn")
    assert response.status_code == 302
    v1, v2 = db.session.execute(db.select(DefinitionVersion).join(DefinitionVersion.definition)
                                .where(ProcessDefinition.key == "strategic_plan")
                                .order_by(DefinitionVersion.version)).scalars()
    assert response.headers["Location"].endswith("/admin/definitions/strategic_plan/versions/2")
    page = b.get("/admin/definitions").get_data(as_text=True)
    section = page.split('data-key="strategic_plan"')[1].split('data-test="definition"')[0]
    rows = re.findall(r'<tr data-version="(\d)">(.*?)</tr>', section, re.S)
    assert [number for number, _ in rows] == ["2", "1"]
    cells = dict(rows)
    assert v2.content_hash[:12] in cells["2"] and "Ayla Yönetici" in cells["2"] and "güncel" in cells["2"]
    assert re.search(r'data-test="instances">0<', cells["2"]) and re.search(r'data-test="instances">1<', cells["1"])
    assert v1.content_hash[:12] in cells["1"] and "Sistem" in cells["1"]
    event = db.session.execute(db.select(AuditEvent).filter_by(action="definition.imported")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert event.actor.email == ADMIN and event.details["version"] == 2
    assert event.details["source"] == "web"


def test_upload_with_errors_shows_the_report_and_stores_nothing(admin_browser, ctx):
    audits = _count(AuditEvent)
    response = _upload(admin_browser, (DATA / "unsafe_scripts.bpmn").read_bytes(), "unsafe_scripts.bpmn")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Süreç tanımı reddedildi: 5 hata." in page and "Dosya kaydedilmedi" in page
    row = re.search(r'<tr class="finding error" data-code="script.forbidden".*?</tr>', page, re.S).group(0)
    assert "<code>uses_import</code>" in row and 'data-test="line">10<' in row and "içe aktarma (import)" in row
    assert "expected &#39;:&#39;" in page or "expected ':'" in page  # the Python parser's own words
    assert _count(DefinitionVersion) == 0 and _count(AuditEvent) == audits


@pytest.mark.parametrize("name", ["xxe.bpmn", "billion_laughs.bpmn", "broken.bpmn", "not_bpmn.bpmn",
                                  "no_executable.bpmn", "two_executable.bpmn", "model_problems.bpmn"])
def test_bad_files_are_rejected_on_the_page(admin_browser, name):
    response = _upload(admin_browser, (DATA / name).read_bytes(), name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="finding error"' in page and "root:x:0:0" not in page
    assert _count(DefinitionVersion) == 0


def test_upload_with_forms_and_warnings(admin_browser):
    response = _upload(admin_browser, (DATA / "lane_no_role.bpmn").read_bytes(), "lane_no_role.bpmn",
                       forms=[((DATA / "minimal_form.json").read_bytes(), "minimal_form.json")])
    assert response.status_code == 302
    page = admin_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Küçük deneme süreci” sürecinin 1. sürümü yüklendi (1 uyarı)." in page
    assert 'data-code="lane.no_role"' in page and "öğe" not in page.split('data-test="report"')[0][-50:]
    assert 'data-name="minimal_form.json"' in page and "Gözden geçirme" in page
    assert "&lt;bpmn:process id=&#34;lint_lanes&#34;" in page or "&lt;bpmn:process id=\"lint_lanes\"" in page
    response = _upload(admin_browser, (DATA / "lane_no_role.bpmn").read_bytes(), "lane_no_role.bpmn")
    assert response.status_code == 302  # same content again: no new version
    assert "yeni sürüm oluşturulmadı" in admin_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert _count(DefinitionVersion) == 1


def test_upload_with_an_invalid_form_names_it(admin_browser):
    response = _upload(admin_browser, (DATA / "minimal.bpmn").read_bytes(), "minimal.bpmn",
                       forms=[(b"{broken", "minimal_form.json")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-code="form.invalid"' in page and "minimal_form.json" in page and "geçerli JSON değil" in page
    response = _upload(admin_browser, (DATA / "minimal.bpmn").read_bytes(), "minimal.bpmn")
    assert response.status_code == 422 and 'data-code="form.missing"' in response.get_data(as_text=True)
    assert _count(DefinitionVersion) == 0


@pytest.mark.parametrize(("bpmn_name", "forms", "field", "message"), [
    ("process.txt", [], "bpmn", "uzantısı .bpmn"),
    ("minimal.bpmn", [(b"{}", "notes.txt")], "forms", "uzantısı .json"),
    ("minimal.bpmn", [(b"{}", "a.json"), (b"{}", "dir/a.json")], "forms", "Aynı adla"),
])
def test_upload_field_errors(admin_browser, bpmn_name, forms, field, message):
    response = _upload(admin_browser, (DATA / "minimal.bpmn").read_bytes(), bpmn_name, forms)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'data-error-for="{field}">[^<]*{re.escape(message)}', page), page[-3000:]
    assert _count(DefinitionVersion) == 0


def test_upload_without_file(admin_browser):
    response = admin_browser.post("/admin/definitions", {}, content_type="multipart/form-data")
    assert response.status_code == 422 and 'data-error-for="bpmn"' in response.get_data(as_text=True)


def test_oversize_upload_is_refused(admin_browser, app, monkeypatch):
    data = (DATA / "minimal.bpmn").read_bytes()
    monkeypatch.setitem(app.config, "MAX_BPMN_BYTES", len(data) - 10)
    response = _upload(admin_browser, data, "minimal.bpmn",
                       forms=[((DATA / "minimal_form.json").read_bytes(), "minimal_form.json")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-code="xml.too_large"' in page and str(len(data) - 10) in page
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5000)
    response = _upload(admin_browser, b"<x/>" * 2000, "big.bpmn")
    assert response.status_code == 413
    assert _count(DefinitionVersion) == 0


def test_version_page_and_download(demo, admin, client):
    b = signed_in(client, ADMIN)
    version = defs.current_version("strategic_plan")
    page = b.get(f"/admin/definitions/strategic_plan/versions/{version.version}").get_data(as_text=True)
    assert 'data-test="version-number">v1<' in page and version.content_hash in page
    assert 'data-name="nomination.schema.json"' in page and "Ekip üyesi bildirimi" in page
    assert "kickoff_date + &#34;T09:00:00+03:00&#34;" in page or 'kickoff_date + "T09:00:00+03:00"' in page
    assert re.search(r'data-test="instances">1<', page) and 'data-ok="true"' in page
    response = b.get(f"/admin/definitions/strategic_plan/versions/{version.version}/bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == WORKFLOW.read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]
    assert b.get("/admin/definitions/strategic_plan/versions/9").status_code == 404
    assert b.get("/admin/definitions/nope/versions/1").status_code == 404


# -- command line -------------------------------------------------------------------------

def test_cli_check(app, ctx):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["stratflow", "definitions", "check", str(DATA / "minimal.bpmn")])
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[0] == "minimal.bpmn: 0 hata, 0 uyarı"
    bad = runner.invoke(args=["stratflow", "definitions", "check", str(DATA / "unsafe_scripts.bpmn")])
    assert bad.exit_code == 1
    assert "unsafe_scripts.bpmn: 5 hata, 0 uyarı" in bad.output
    assert "HATA: [satır 10, öğe uses_import] Betik izin verilmeyen bir yapı kullanıyor: içe aktarma (import)." \
        in bad.output
    warn = runner.invoke(args=["stratflow", "definitions", "check", str(DATA / "lane_no_role.bpmn")])
    assert warn.exit_code == 0 and "UYARI: [satır 27, öğe review]" in warn.output
    assert _count(DefinitionVersion) == 0


def test_cli_import(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stratflow", "definitions", "import", str(DATA / "minimal.bpmn")])
    assert result.exit_code == 0, result.output
    assert re.search(r"lint_minimal: 1\. sürüm yüklendi \([0-9a-f]{12}\)\.", result.output)
    again = runner.invoke(args=["stratflow", "definitions", "import", str(DATA / "minimal.bpmn")])
    assert again.exit_code == 0 and "değişiklik yok" in again.output
    bad = runner.invoke(args=["stratflow", "definitions", "import", str(DATA / "xxe.bpmn")])
    assert bad.exit_code == 1 and "DOCTYPE" in bad.output
    db.session.expire_all()
    assert _count(DefinitionVersion) == 1
    event = db.session.execute(db.select(AuditEvent).filter_by(action="definition.imported")).scalar_one()
    assert event.details["source"] == "cli" and event.actor_id is None
