"""NUL bytes, control characters, huge ids and odd file names: a clear 4xx (or cleaned text), never a
500, and nothing changes. PostgreSQL refuses NUL in text, so run this file there too
(STRATFLOW_TEST_DATABASE_URL)."""

from __future__ import annotations

import hashlib
import html
import io

import openpyxl
import pytest
from sqlalchemy import text

from stratflow.extensions import db
from stratflow.models import DocumentTemplate, ProcessInstance, SpendingUnit, TaskRecord, User
from stratflow.services import accounts

from .conftest import Browser, signed_in
from .test_documents_security import GOOD
from .test_documents_web import _docx, _upload

COORDINATOR, ADMIN, FEN = "sgm@camlitepe.bel.tr", "admin@stratflow.example", "fen@camlitepe.bel.tr"
NUL_MESSAGE = "izin verilmeyen bir denetim karakteri (NUL)"
API_NUL_MESSAGE = "NUL karakteri"
SKIPPED_TABLES = {"login_throttle"}  # every sign-in counts there


def _state() -> dict:
    """Every row of every table (binary columns as their hash): compared before and after."""
    db.session.expire_all()
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES:
            continue
        rows = db.session.execute(text(f'SELECT * FROM "{table.name}"')).all()
        found[table.name] = sorted(repr(tuple(hashlib.sha256(v).hexdigest() if isinstance(v, bytes | memoryview)
                                              else v for v in row)) for row in rows)
    db.session.commit()
    return found


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _instance() -> ProcessInstance:
    return db.session.execute(db.select(ProcessInstance)).scalar_one()


def _nomination(code: str = "fen") -> TaskRecord:
    return db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")
                              .where(TaskRecord.unit.has(code=code))).scalar_one()


def _user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


# -- web forms and query strings ----------------------------------------------------------------------

def _web_cases(demo) -> dict:
    m = demo.id
    instance, task = _instance(), _nomination()
    unit = db.session.execute(db.select(SpendingUnit).filter_by(municipality_id=m, code="fen")).scalar_one()
    facts = {"name": "Çamlıtepe\x00 Belediyesi", "province": "Balıkesir", "type": "ilce", "population": "90412",
             "election_date": demo.election_date.isoformat(), "mazbata_date": "", "council_weekday": "tuesday"}
    return {
        "municipality name": (COORDINATOR, f"/municipalities/{m}", facts, f"/municipalities/{m}"),
        "unit name": (COORDINATOR, f"/municipalities/{m}/units", {"name": "Yeni\x00 Birim", "code": "yb"},
                      f"/municipalities/{m}"),
        "unit rename": (COORDINATOR, f"/municipalities/{m}/units/{unit.id}", {"name": "Fen\x00", "code": "fen"},
                        f"/municipalities/{m}"),
        "person name": (COORDINATOR, f"/municipalities/{m}/people",
                        {"email": "yeni@camlitepe.bel.tr", "full_name": "Ad\x00 Soyad", "title": "", "phone": "",
                         "roles": "team_member", "unit_id": str(unit.id), "password": "Parola.2024"},
                        f"/municipalities/{m}"),
        "token name": (FEN, "/profile", {"name": "takvim\x00"}, "/profile"),
        "leave day label": (ADMIN, "/leave-days", {"day": "2030-05-02", "label": "İzin\x00"}, "/leave-days"),
        "settings": (COORDINATOR, f"/municipalities/{m}/settings",
                     {"recess_month": "8\x00", "reminder_before": "7,3,1", "remind_on_due": "", "overdue_every": "",
                      "escalation_days": "", "countdown_days": ""}, f"/municipalities/{m}"),
        "phase target key": (COORDINATOR, f"/municipalities/{m}/settings",
                             {"recess_month": "8", "rule_circular\x00": "mazbata_date + 1 days"},
                             f"/municipalities/{m}"),
        "council meeting": (COORDINATOR, f"/municipalities/{m}/council-meetings",
                            {"month": "2024-09\x00", "meeting_date": ""}, f"/municipalities/{m}/council-meetings"),
        "task form": (FEN, f"/tasks/{task.id}",
                      {"action": "submit", "no_nominee": "1", "no_nominee_reason": "Personel\x00 yok."}, "/"),
        "task draft": (FEN, f"/tasks/{task.id}", {"action": "save", "no_nominee_reason": "x\x00"}, "/"),
        "instance action reason": (COORDINATOR, f"/instances/{instance.id}/actions/suspend",
                                   {"reason": "Bekleme\x00"}, f"/instances/{instance.id}"),
        "language": (FEN, "/language", {"locale": "en\x00"}, "/"),
    }


WEB_CASES = ("municipality name", "unit name", "unit rename", "person name", "token name", "leave day label",
             "settings", "phase target key", "council meeting", "task form", "task draft",
             "instance action reason", "language")


@pytest.mark.parametrize("case", WEB_CASES)
def test_nul_in_a_form_field_is_refused_clearly_and_changes_nothing(demo, client, case):
    email, path, form, form_page = _web_cases(demo)[case]
    browser = signed_in(client, email)
    token = browser.csrf(form_page)
    before = _state()
    response = browser.client.post(path, data={**form, "csrf_token": token})
    assert response.status_code == 400, (response.status_code, _text(response)[:300])
    assert NUL_MESSAGE in _text(response)
    assert _state() == before


@pytest.mark.parametrize("query", ["person=%00", "step=x%00", "action=%00", "from=2024%00"])
def test_nul_in_a_query_string_is_refused_clearly(demo, client, query):
    browser = signed_in(client, COORDINATOR)
    response = browser.get(f"/instances/{_instance().id}?{query}")
    assert response.status_code == 400 and NUL_MESSAGE in _text(response)


@pytest.mark.parametrize("path", ["/cockpit?province=%00", "/cockpit.csv?type=%00", "/mail?state=%00",
                                  "/leave-days?year=%00"])
def test_nul_in_filters_is_refused_clearly(demo, client, path):
    browser = signed_in(client, ADMIN)
    response = browser.get(path)
    assert response.status_code == 400 and NUL_MESSAGE in _text(response)


def test_nul_in_the_login_form_is_refused_and_counts_nothing_in_a_500(demo, client):
    browser = Browser(client)
    token = browser.csrf("/login")
    for form in ({"email": "fen@camlitepe.bel.tr\x00", "password": "Demo.2024"},
                 {"email": FEN, "password": "Demo\x00.2024"}):
        response = client.post("/login", data={**form, "csrf_token": token})
        assert response.status_code == 400 and NUL_MESSAGE in _text(response)


@pytest.mark.parametrize("path", [
    "/tasks/%00", "/tasks/abc", "/tasks/00000000-0000-0000-0000-00000000000%00",
    "/tasks/not-a-uuid-but-thirty-six-chars-long", "/instances/2147483648", "/instances/0",
    "/instances/99999999999999999999", "/municipalities/2147483648", "/municipalities/1%00/overview",
    "/admin/definitions/strategic_plan/versions/2147483648", "/admin/definitions/strategic_plan/versions/0",
    "/admin/definitions/strategic_plan/versions/999999999999999999999",
    "/admin/definitions/strategic_plan/versions/99999999999/bpmn",
    "/admin/definitions/strategic%00plan/versions/1", "/mail/2147483648", "/documents/2147483648.docx",
])
def test_ids_in_urls_out_of_range_or_of_the_wrong_shape_are_404(demo, client, path):
    browser = signed_in(client, ADMIN)
    response = browser.get(path)
    assert response.status_code == 404, (path, response.status_code)


def test_the_largest_id_is_still_looked_up(demo, client):
    browser = signed_in(client, ADMIN)
    assert browser.get("/instances/2147483647").status_code == 404
    assert browser.get("/admin/definitions/strategic_plan/versions/1").status_code == 200
    assert browser.get(f"/tasks/{_nomination().id}").status_code == 200


# -- the JSON API ---------------------------------------------------------------------------------------

@pytest.fixture
def api_client(demo, app):
    def make(email: str):
        _token, secret = accounts.create_token(_user(email), "test")
        db.session.commit()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        return lambda method, path, **kw: client.open("/api/v1" + path, method=method, headers=headers, **kw)
    return make


def _api_cases() -> dict:
    instance, task = _instance(), _nomination()
    completed = {"no_nominee": True, "no_nominee_reason": "Personel\x00 yok."}
    return {
        "complete value": (FEN, f"/tasks/{task.id}/complete", completed),
        "complete key": (FEN, f"/tasks/{task.id}/complete", {"no_nominee": True, "no_nominee_reason": "Yok yok.",
                                                             "x\x00": 1}),
        "nested value": (FEN, f"/tasks/{task.id}/complete", {"members": [{"full_name": "A\x00", "title": "U",
                                                                          "email": "a@b.tr"}]}),
        "start": (COORDINATOR, "/instances", {"municipality_id": 1, "note": "\x00"}),
        "suspend reason": (COORDINATOR, f"/instances/{instance.id}/suspend", {"reason": "Bekleme\x00"}),
        "rewind task id": (COORDINATOR, f"/instances/{instance.id}/rewind", {"task_id": "\x00", "reason": "Geri."}),
        "assign reason": (COORDINATOR, f"/tasks/{task.id}/assign", {"assignee_id": None, "reason": "\x00"}),
    }


@pytest.mark.parametrize("case", ["complete value", "complete key", "nested value", "start", "suspend reason",
                                  "rewind task id", "assign reason"])
def test_nul_anywhere_in_a_json_body_is_refused_and_changes_nothing(api_client, case):
    email, path, body = _api_cases()[case]
    call = api_client(email)
    assert call("GET", "/tasks").status_code == 200  # the token's first use is recorded
    before = _state()
    response = call("POST", path, json=body)
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and API_NUL_MESSAGE in error["message"]
    assert _state() == before


@pytest.mark.parametrize("path", ["/tasks/%00", "/tasks/abc", "/tasks/%00/complete", "/instances/2147483648",
                                  "/instances/99999999999999999999/suspend", "/tasks?state=%00"])
def test_api_ids_and_parameters_with_nul_or_out_of_range(api_client, path):
    call = api_client(COORDINATOR)
    method = "POST" if path.endswith(("complete", "suspend")) else "GET"
    response = call(method, path, json={"reason": "x"} if method == "POST" else None)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert response.is_json and response.get_json()["error"]["message"]


# -- imports ----------------------------------------------------------------------------------------------

def _import(browser, municipality_id: int, kind: str, name: str, data: bytes):
    page = f"/municipalities/{municipality_id}"
    return browser.post(f"{page}/import", {"kind": kind, "file": (io.BytesIO(data), name)}, form_page=page,
                        content_type="multipart/form-data")


def _xlsx_with(raw: bytes) -> bytes:
    """A units sheet whose text "MARK" is replaced by `raw` in the package's XML."""
    import zipfile
    book = openpyxl.Workbook()
    book.active.append(["Birim adı", "Kod"])
    book.active.append(["Yeni MARK Birim", "yb"])
    out, patched = io.BytesIO(), io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace(b"MARK", raw))
    return patched.getvalue()


@pytest.mark.parametrize("raw", [b"&#0;", b"\x00", b"&#x1b;"])
def test_nul_in_an_xlsx_sheet_is_refused_and_changes_nothing(demo, client, raw):
    """XML cannot carry a NUL (or ESC): such a sheet is refused as unreadable, with a message."""
    browser = signed_in(client, COORDINATOR)
    before = _state()
    response = _import(browser, demo.id, "units", "birimler.xlsx", _xlsx_with(raw))
    assert response.status_code == 422 and "Excel dosyası okunamadı" in _text(response)
    assert _state() == before


def test_nul_in_a_csv_file_is_refused(demo, client):
    browser = signed_in(client, COORDINATOR)
    before = _state()
    response = _import(browser, demo.id, "units", "birimler.csv", "Birim adı;Kod\nYeni\x00Birim;yb\n".encode())
    assert response.status_code == 422 and "CSV metin dosyası değil" in _text(response)
    assert _state() == before


def test_control_characters_in_a_sheet_are_cleaned_from_names_but_refused_in_passwords(demo, client):
    browser = signed_in(client, COORDINATOR)
    sheet = "Birim adı;Kod\nYeni\x1b Birim\x7f;yb\n".encode()
    assert _import(browser, demo.id, "units", "birimler.csv", sheet).status_code == 302
    assert db.session.execute(db.select(SpendingUnit.name).filter_by(code="yb")).scalars().all() == ["Yeni Birim"]
    people = ("Ad Soyad;E-posta;Roller;Birim;Parola\n"
              "Ayşe\x1b Yılmaz;ayse@camlitepe.bel.tr;Ekip Üyesi;Yeni Birim;Parola\x1b.2024\n").encode()
    before = _state()
    response = _import(browser, demo.id, "people", "kisiler.csv", people)
    assert response.status_code == 422 and "Parola denetim karakteri içeremez." in _text(response)
    assert _state() == before


# -- uploaded file names ------------------------------------------------------------------------------------

def _multipart(fields: dict, *files: tuple[str, str, bytes]) -> tuple[bytes, str]:
    """A multipart body whose file part names its file with RFC 5987 `filename*` (percent-encoded
    UTF-8, which Werkzeug decodes): the way a client gets a line break or a NUL into a file name."""
    boundary = "----stratflow-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    for field, filename_star, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="x"; '
                     f"filename*=UTF-8''{filename_star}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("encoded, stored", [
    ("genelge%0D%0ASet-Cookie%3A%20x%3D1.docx", "genelgeSet-Cookie: x=1.docx"),
    ("..%5C..%5Cwindows%5Cgenel%00ge.docx", "genelge.docx"),
    ("%2Fetc%2Fpasswd%2F%1Bgenelge.docx", "genelge.docx"),
    ("%0D%0A", "circular.docx"),
    ("%E2%80%AEgenelge%E2%80%8B.docx", "genelge.docx"),  # right-to-left override, zero-width space
])
def test_uploaded_template_names_are_cleaned_and_download_safely(demo, client, encoded, stored):
    browser = signed_in(client, COORDINATOR)
    page = f"/municipalities/{demo.id}/document-templates"
    body, content_type = _multipart({"csrf_token": browser.csrf(page)}, ("file", encoded, _docx(*GOOD)))
    response = client.post(f"{page}/circular", data=body, content_type=content_type)
    assert response.status_code == 302, _text(response)[:500]
    template = db.session.execute(db.select(DocumentTemplate)).scalar_one()
    assert template.filename == stored
    response = browser.get(f"/municipalities/{demo.id}/document-templates/{template.id}.docx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "Set-Cookie" not in response.headers


def test_a_template_name_stored_before_the_fix_downloads_safely(demo, client):
    """Rows written before names were cleaned: the migration cleans them."""
    browser = signed_in(client, COORDINATOR)
    assert _upload(browser, demo.id, _docx(*GOOD)).status_code == 302
    template = db.session.execute(db.select(DocumentTemplate)).scalar_one()
    template.filename = "eski\r\nad.docx"
    db.session.commit()
    from importlib import import_module
    migration = import_module("migrations.versions.0008_account_security")
    with db.engine.begin() as conn:
        migration.clean_stored_filenames(conn)
    response = browser.get(f"/municipalities/{demo.id}/document-templates/{template.id}.docx")
    assert response.status_code == 200 and "eskiad.docx" in response.headers["Content-Disposition"]


def test_bpmn_upload_names_are_cleaned_and_download_safely(demo, client):
    from pathlib import Path
    browser = signed_in(client, ADMIN)
    folder = Path(__file__).resolve().parent / "data" / "bpmn"
    body, content_type = _multipart({"csrf_token": browser.csrf("/admin/definitions")},
                                    ("bpmn", "k%C3%BC%0D%0A%C3%A7%C3%BCk.bpmn", (folder / "minimal.bpmn").read_bytes()),
                                    ("forms", "minimal_form.json", (folder / "minimal_form.json").read_bytes()))
    response = client.post("/admin/definitions", data=body, content_type=content_type)
    assert response.status_code == 302, _text(response)[:800]
    download = browser.get(response.headers["Location"] + "/bpmn")
    assert download.status_code == 200
    assert "\n" not in download.headers["Content-Disposition"] and "k%C3%BC%C3%A7%C3%BCk.bpmn" in \
        download.headers["Content-Disposition"]


# -- the central cleaning functions ---------------------------------------------------------------------

def test_clean_text_and_form_parsing_remove_control_characters(ctx):
    from stratflow.services import forms
    from stratflow.services.municipalities import clean_text
    assert clean_text(" Fen\x00 İşleri\x1b\x7f  Müdürlüğü\n") == "Fen İşleri Müdürlüğü"
    schema = {"type": "object", "properties": {"note": {"type": "string", "x-widget": "textarea"},
                                               "n": {"type": "integer"}}}
    assert forms.parse(schema, {"note": "bir\x00\niki\x1b", "n": "4\x00"}) == {"note": "bir\niki", "n": 4}
    errors = forms.validate(schema, {"note": "a\x00b", "x\x00": 1})
    assert errors["note"] == "Bu alanda izin verilmeyen bir denetim karakteri (NUL) var."
    assert "x\x00" in errors  # and not a known field either


def test_clean_filename():
    from stratflow.documents import clean_filename
    assert clean_filename("C:\\Belgeler\\genelge.docx", "x") == "genelge.docx"
    assert clean_filename("a\r\nb.docx", "x") == "ab.docx"
    assert clean_filename(None, "x.docx") == clean_filename("..", "x.docx") == "x.docx"
    long = "ş" * 300 + ".docx"
    assert len(clean_filename(long, "x")) == 255 and clean_filename(long, "x").endswith(".docx")
