"""Files attached to task forms: the kind is judged by the content, too big / wrong kind / empty /
too many files are refused with a message and change nothing, a draft keeps its files, the
instance page and the task page list them, and only the people of the instance download them
(anyone else: 404). On both databases (the scenario of tests/midway.py: the team's situation
analyses are open, the stakeholder analysis among them)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
import time_machine
from flask_babel import force_locale

from stratflow.extensions import db
from stratflow.models import Attachment, AuditEvent, RoleAssignment, TaskRecord, User
from stratflow.services import ServiceError, access, attachments, file_types, forms, tasks
from stratflow.services.accounts import hash_password

from . import factories
from .conftest import ROOT, signed_in
from .midway import DOMAIN, moment, seed
from .test_strategic_plan import steps

TODAY = date(2026, 3, 2)
MEMBER = f"ekip.fen@{DOMAIN}"
COORDINATOR = f"sgm@{DOMAIN}"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def ooxml(part: str, content_type: str, extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>' + extra +
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{part}" ContentType="{content_type}"/></Types>'))
        package.writestr(part.lstrip("/"), "<x/>")
    return out.getvalue()


DOCX = ooxml("/word/document.xml", WORD_MAIN)
XLSX = ooxml("/xl/workbook.xml", EXCEL_MAIN)
def _form_fields(data: dict) -> dict:
    """Process data as the HTML form posts it (tables as "key-row-column")."""
    fields = {}
    for key, value in data.items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                fields.update({f"{key}-{i}-{col}": str(cell) for col, cell in row.items()})
        else:
            fields[key] = str(value)
    return fields


# The stakeholder analysis of the happy path (tests/test_strategic_plan.py) as its form posts it.
STAKEHOLDERS = _form_fields(dict(steps())["stakeholder_analysis"])


# -- the kind, by content ------------------------------------------------------------------------

def test_kinds_are_judged_by_their_content():
    assert [file_types.sniff(d) for d in (PDF, PNG, JPG, DOCX, XLSX)] == ["pdf", "png", "jpg", "docx", "xlsx"]
    real_docx = (ROOT / "stratflow" / "documents" / "templates" / "circular.docx").read_bytes()
    assert file_types.sniff(real_docx) == "docx"                            # as Word and python-docx write it
    assert file_types.sniff(EXE) is None                                    # a program renamed .pdf
    assert file_types.sniff(ooxml("/word/document.xml", MACRO_MAIN)) is None  # a .docm renamed .docx
    assert file_types.sniff(ooxml("/word/document.xml", WORD_MAIN, '<!DOCTYPE x [<!ENTITY a "b">]>')) is None
    assert file_types.sniff(b"PK\x03\x04 not really a zip") is None
    deflated = io.BytesIO()
    with zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types>" + "x" * 5000 + "</Types>")
    broken = bytearray(deflated.getvalue())
    start = 30 + len("[Content_Types].xml")
    broken[start + 2:start + 12] = b"\xff" * 10                         # a damaged deflate stream (zlib.error)
    assert file_types.sniff(bytes(broken)) is None
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("word/document.xml", "<x/>")
    assert file_types.sniff(plain_zip.getvalue()) is None                   # no [Content_Types].xml
    assert file_types.sniff(b"") is None and file_types.sniff(b"%PDF") is None
    assert file_types.with_extension("rapor.exe", "pdf") == "rapor.pdf"
    assert file_types.with_extension("foto.JPEG", "jpg") == "foto.JPEG"
    assert file_types.with_extension("tutanak", "docx") == "tutanak.docx"


def test_shipped_forms_take_a_file_or_the_text_reference(ctx):
    import json
    plan = forms.expanded(json.loads((ROOT / "workflows" / "plan_draft.schema.json").read_text()))
    assert plan["properties"]["plan_file"]["items"] == forms.FILE_REFERENCE
    with force_locale("tr"):
        assert forms.validate(plan, {}) == {
            "plan_document": "Plan taslağı dosyasını ekleyin ya da belge bağlantısını / EBYS sayısını girin."}
    with force_locale("en"):
        assert forms.validate(plan, {})["plan_document"].startswith("Attach the draft plan file")
    assert forms.validate(plan, {"plan_document": "EBYS 2024/2040"}) == {}
    assert forms.validate(plan, {"plan_file": [{"id": 3, "name": "p.pdf", "size": 1, "type": "pdf"}]}) == {}
    two = [{"id": 3}, {"id": 4}]
    assert forms.validate(plan, {"plan_file": two}) == {"plan_file": "En fazla 1 dosya eklenebilir."}
    assert forms.validate(plan, {"plan_file": [{"id": 3, "bytes": "AAAA"}]}) == {
        "plan_file-0-bytes": "Bu formda böyle bir alan yok."}
    for name in ("analysis_adoption", "future_adoption", "draft_review", "stakeholder_analysis", "plan_amendment"):
        schema = json.loads((ROOT / "workflows" / f"{name}.schema.json").read_text())
        assert forms.file_fields(schema), name


# -- the scenario --------------------------------------------------------------------------------

@pytest.fixture
def scenario(app, definition):
    info = seed(app, TODAY)
    town_id = info["municipality_id"]
    fen = db.session.execute(db.select(RoleAssignment.unit_id).where(
        RoleAssignment.municipality_id == town_id, RoleAssignment.role == "unit_manager",
        RoleAssignment.user.has(email=f"fen@{DOMAIN}"))).scalar_one()
    member = User(email=MEMBER, full_name="Burak Tekin", municipality_id=town_id,
                  password_hash=hash_password("Demo.2024"))
    member.roles.append(RoleAssignment(role="team_member", municipality_id=town_id, unit_id=fen))
    db.session.add(member)
    db.session.commit()
    with time_machine.travel(moment(TODAY), tick=False):
        yield info


def stakeholder_task() -> TaskRecord:
    db.session.expire_all()
    return db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="stakeholder_analysis")
                              .order_by(TaskRecord.created_at.desc())).scalars().first()


def rows() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Attachment).order_by(Attachment.id)).scalars())


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).scalars())


def post_form(b, task, data: dict, action: str = "draft"):
    return b.post(f"/tasks/{task.id}", {**data, "action": action}, content_type="multipart/form-data")


def flash_and_errors(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_upload_keeps_a_reference_and_the_team_downloads_it(scenario, client):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    response = post_form(b, task, {**STAKEHOLDERS, "survey_results_files": (
        io.BytesIO(PDF), "../../Belgeler/anket\x07 sonuçları.pdf")})
    assert response.status_code == 302, flash_and_errors(response)[:2000]
    [row] = rows()
    assert (row.filename, row.kind, row.size, row.step, row.field) == (
        "anket sonuçları.pdf", "pdf", len(PDF), "stakeholder_analysis", "survey_results_files")
    draft = stakeholder_task().draft
    assert draft["survey_results_files"] == [{"id": row.id, "name": "anket sonuçları.pdf", "size": len(PDF),
                                               "type": "pdf"}]
    assert "content" not in repr(draft) and "PDF-1.7" not in repr(draft)  # a reference, never the bytes
    page = b.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and f'/attachments/{row.id}"' in page
    assert 'data-test="task-attachments"' in page and "Burak Tekin" in page
    download = b.get(f"/attachments/{row.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf" and "attachment" in download.headers["Content-Disposition"]
    assert [(a.action, a.details["attachment_id"]) for a in audits("attachment.uploaded")] == [
        ("attachment.uploaded", row.id)]
    assert len(audits("attachment.downloaded")) == 1


def test_completed_with_a_file_instead_of_the_ebys_number_and_listed_on_the_instance_page(scenario, client,
                                                                                          app):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    response = post_form(b, task, {**STAKEHOLDERS, "survey_results_files": [
        (io.BytesIO(PDF), "rapor.pdf"), (io.BytesIO(XLSX), "anket.xlsx"), (io.BytesIO(PNG), "çalıştay.png")]},
        action="submit")
    assert response.status_code == 302, flash_and_errors(response)[:2000]
    assert stakeholder_task().state == "completed"
    found = rows()
    assert [(r.filename, r.kind) for r in found] == [("rapor.pdf", "pdf"), ("anket.xlsx", "xlsx"),
                                                     ("çalıştay.png", "png")]
    coordinator = app.test_client()
    signed_in(coordinator, COORDINATOR)
    page = flash_and_errors(coordinator.get(f"/instances/{scenario['instance_id']}"))
    section = page[page.index('data-test="instance-attachments"'):]
    section = section[:section.index("</section>")]
    for row in found:
        assert f'/attachments/{row.id}"' in section and row.filename in section
    assert stakeholder_task().name in section and "Burak Tekin" in section and f"{len(PDF)} B" in section
    assert coordinator.get(f"/attachments/{found[1].id}").data == XLSX


def _refused(scenario, client, files, message, status=422, **extra):
    task = stakeholder_task()
    before = (task.draft, task.state)
    b = signed_in(client, MEMBER)
    response = post_form(b, task, {**STAKEHOLDERS, "survey_results_document": "EBYS 2024/1", **extra,
                                   "survey_results_files": files}, action=extra.pop("action", "submit"))
    assert response.status_code == status
    text = flash_and_errors(response)
    assert message in text, text[:3000]
    assert rows() == [] and audits("attachment.uploaded") == []
    assert (stakeholder_task().draft, stakeholder_task().state) == before
    return text


def test_too_big_is_refused_with_the_limit_and_nothing_changes(scenario, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 50)
    _refused(scenario, client, (io.BytesIO(PDF), "rapor.pdf"),
             "“rapor.pdf” çok büyük: bu alana en fazla 50 B büyüklüğünde dosya yüklenebilir.")


def test_a_renamed_program_is_refused_by_its_content(scenario, client):
    _refused(scenario, client, (io.BytesIO(EXE), "anket.pdf"),
             "“anket.pdf” kabul edilen türlerden değil (PDF, DOCX, XLSX, PNG, JPG). Dosyanın türü adına göre "
             "değil içeriğine göre belirlenir.")


def test_empty_file_and_too_many_files_are_refused(scenario, client, app):
    _refused(scenario, client, (io.BytesIO(b""), "bos.pdf"), "“bos.pdf” boş bir dosya", action="draft")
    other = app.test_client()
    _refused(scenario, other, [(io.BytesIO(PDF), f"r{i}.pdf") for i in range(6)],
             "Bu alana en fazla 5 dosya eklenebilir")


def test_refusal_in_english(scenario, client):
    db.session.execute(db.update(User).where(User.email == MEMBER).values(locale="en"))
    db.session.commit()
    text = _refused(scenario, client, (io.BytesIO(EXE), "setup.docx"), "is not one of the accepted kinds")
    assert "kabul edilen" not in text


def test_another_field_error_throws_the_new_file_away_and_says_so(scenario, client):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    response = post_form(b, task, {"survey_results_files": (io.BytesIO(PDF), "rapor.pdf")}, action="submit")
    assert response.status_code == 422
    assert "Form kaydedilmediği için seçtiğiniz dosya yüklenmedi" in flash_and_errors(response)
    assert rows() == [] and stakeholder_task().state == "open"


def test_a_draft_keeps_its_file_until_it_is_taken_off(scenario, client):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    assert post_form(b, task, {"survey_results_files": (io.BytesIO(DOCX), "taslak.docx")}).status_code == 302
    [row] = rows()
    # saved again without a new file: the ticked file stays
    assert post_form(b, task, {**STAKEHOLDERS, "survey_results_files": str(row.id)}).status_code == 302
    assert [r["id"] for r in stakeholder_task().draft["survey_results_files"]] == [row.id]
    assert stakeholder_task().draft["consulted_bodies"].startswith("Balıkesir")
    # then submitted with it (no EBYS number): the reference is the task's result
    response = post_form(b, task, {**STAKEHOLDERS, "survey_results_files": str(row.id)}, action="submit")
    assert response.status_code == 302, flash_and_errors(response)[:2000]
    assert [r.id for r in rows()] == [row.id]


def test_a_file_taken_off_the_draft_is_removed(scenario, client):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    post_form(b, task, {"survey_results_files": [(io.BytesIO(PDF), "a.pdf"), (io.BytesIO(JPG), "b.jpg")]})
    first, second = (r.id for r in rows())
    assert post_form(b, task, {"survey_results_files": str(second)}).status_code == 302
    assert [r.id for r in rows()] == [second]
    assert [a.details["attachment_id"] for a in audits("attachment.removed")] == [first]
    # a forged id (another task's file, or none at all) is refused
    response = post_form(b, task, {"survey_results_files": ["999999"]})
    assert response.status_code == 422 and "Eklenen dosya bulunamadı" in flash_and_errors(response)


def test_strangers_get_404_and_participants_download(scenario, client, app):
    task = stakeholder_task()
    member = db.session.execute(db.select(User).filter_by(email=MEMBER)).scalar_one()
    data = {}
    attachments.add_uploads(task, member, tasks.form_schema(task), data,
                            [attachments.Upload("survey_results_files", "rapor.pdf", io.BytesIO(PDF))])
    db.session.commit()
    [row] = rows()
    other = factories.municipality("Karaova Belediyesi")
    db.session.commit()
    for email in ("coordinator@karaova.example", "mudur0@karaova.example"):
        stranger = app.test_client()
        signed_in_client(stranger, email)
        assert stranger.get(f"/attachments/{row.id}").status_code == 404
        assert stranger.get("/attachments/999999").status_code == 404
    assert other.id != row.municipality_id
    for email in (COORDINATOR, f"baskan@{DOMAIN}", "danisman@aymett.example", f"fen@{DOMAIN}"):
        viewer = app.test_client()
        signed_in(viewer, email)
        assert viewer.get(f"/attachments/{row.id}").status_code == 200, email
    # someone of the municipality without any part in this instance: 404 as well
    outsider = User(email=f"kurul@{DOMAIN}", full_name="Kurul Üyesi", municipality_id=row.municipality_id,
                    password_hash=hash_password("Demo.2024"))
    outsider.roles.append(RoleAssignment(role="board_member", municipality_id=row.municipality_id))
    db.session.add(outsider)
    db.session.commit()
    assert not access.can_view_instance(outsider, task.instance)
    board = app.test_client()
    signed_in(board, outsider.email)
    assert board.get(f"/attachments/{row.id}").status_code == 404


def signed_in_client(client, email):
    from .conftest import Browser
    db.session.execute(db.update(User).where(User.email == email).values(password_hash=hash_password("Demo.2024")))
    db.session.commit()
    b = Browser(client)
    assert b.login(email).status_code == 302
    return b


# -- the API ---------------------------------------------------------------------------------------

def test_api_uploads_then_completes_with_the_reference(scenario, app):
    from stratflow.services import accounts

    from .test_api import Api, check
    member = db.session.execute(db.select(User).filter_by(email=MEMBER)).scalar_one()
    _token, secret = accounts.create_token(member, "test")
    db.session.commit()
    api = Api(app, secret)
    task = stakeholder_task()
    path = f"/tasks/{task.id}/attachments"
    bad = api.post(path, data={"field": "survey_results_files", "file": (io.BytesIO(EXE), "a.pdf")},
                   content_type="multipart/form-data")
    body = check(bad, "post", "/tasks/{task_id}/attachments", 422)
    assert "kabul edilen türlerden değil" in body["error"]["fields"]["survey_results_files"]
    unknown = api.post(path, data={"field": "consulted_bodies", "file": (io.BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data")
    assert check(unknown, "post", "/tasks/{task_id}/attachments", 422)["error"]["fields"]["field"]
    assert rows() == []
    good = api.post(path, data={"field": "survey_results_files", "file": (io.BytesIO(PDF), "rapor.pdf")},
                    content_type="multipart/form-data")
    ref = check(good, "post", "/tasks/{task_id}/attachments", 201)["attachment"]
    assert ref["name"] == "rapor.pdf" and ref["type"] == "pdf" and ref["size"] == len(PDF)
    stray = api.post(path, data={"field": "survey_results_files", "file": (io.BytesIO(PNG), "x.png")},
                     content_type="multipart/form-data")
    stray_id = check(stray, "post", "/tasks/{task_id}/attachments", 201)["attachment"]["id"]
    form = dict(steps())["stakeholder_analysis"]
    forged = api.post(f"/tasks/{task.id}/complete", {**form, "survey_results_files": [{"id": 999999}]})
    assert check(forged, "post", "/tasks/{task_id}/complete", 422)["error"]["fields"]["survey_results_files"]
    done = api.post(f"/tasks/{task.id}/complete",
                    {**form, "survey_results_files": [{"id": ref["id"], "name": "başka.exe", "size": 1}]})
    check(done, "post", "/tasks/{task_id}/complete", 200)
    assert [r.id for r in rows()] == [ref["id"]]  # the upload the completion did not use is gone
    assert stray_id not in [r.id for r in rows()]
    download = api.get(f"/attachments/{ref['id']}")
    assert download.status_code == 200 and download.data == PDF
    assert api.get(f"/attachments/{stray_id}").status_code == 404


def test_service_refuses_without_storing(scenario):
    task = stakeholder_task()
    member = db.session.execute(db.select(User).filter_by(email=MEMBER)).scalar_one()
    data = {}
    with pytest.raises(ServiceError) as refused:
        attachments.add_uploads(task, member, tasks.form_schema(task), data, [
            attachments.Upload("survey_results_files", "ok.pdf", io.BytesIO(PDF)),
            attachments.Upload("survey_results_files", "bad.pdf", io.BytesIO(EXE))])
    assert set(refused.value.field_errors) == {"survey_results_files"} and data == {}
    db.session.flush()
    assert db.session.execute(db.select(db.func.count(Attachment.id))).scalar() == 0


def test_kept_file_stays_on_the_form_when_another_field_is_wrong(scenario, client):
    task = stakeholder_task()
    b = signed_in(client, MEMBER)
    post_form(b, task, {"survey_results_files": (io.BytesIO(PDF), "ilk.pdf")})
    [kept] = rows()
    kept_id = kept.id
    response = post_form(b, task, {"survey_results_files": [str(kept_id), (io.BytesIO(PNG), "yeni.png")]},
                         action="submit")
    assert response.status_code == 422
    text = flash_and_errors(response)
    assert f'/attachments/{kept_id}"' in text and "yeni.png" not in text
    assert "Form kaydedilmediği için seçtiğiniz dosya yüklenmedi" in text
    assert [r.id for r in rows()] == [kept_id] and stakeholder_task().state == "open"


def test_a_reference_is_only_taken_from_this_task_or_its_draft(scenario):
    """A rewound step starts with the earlier round's data as its draft: those files are its own."""
    task = stakeholder_task()
    other = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="plan_evaluation")).scalars().first()
    member = db.session.execute(db.select(User).filter_by(email=MEMBER)).scalar_one()
    earlier = {}
    attachments.add_uploads(other, member, {"properties": {"survey_results_files": {
        "type": "array", "x-widget": "file", "maxItems": 1}}}, earlier,
        [attachments.Upload("survey_results_files", "eski.pdf", io.BytesIO(PDF))])
    schema = tasks.form_schema(task)
    wanted = {"survey_results_files": [{"id": earlier["survey_results_files"][0]["id"]}]}
    assert attachments.resolve(task, schema, wanted)[1] == {
        "survey_results_files": "Eklenen dosya bulunamadı; dosyayı yeniden yükleyin."}
    task.draft = earlier
    resolved, errors = attachments.resolve(task, schema, wanted)
    assert errors == {} and resolved["survey_results_files"][0]["name"] == "eski.pdf"
    db.session.rollback()


def test_the_submission_letter_names_an_attached_plan():
    from stratflow.documents.context import attached_names
    assert attached_names([{"id": 1, "name": "plan-taslagi.pdf", "size": 1, "type": "pdf"}]) == "plan-taslagi.pdf"
    assert attached_names(None) == "" and attached_names("EBYS 1") == ""


def test_limits_names_and_the_field_override(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "ATTACHMENT_MAX_BYTES", 10_000_000)
    assert attachments.max_bytes({}) == 10_000_000 and attachments.max_bytes({"x-max-bytes": 20}) == 20
    assert attachments.max_bytes({"x-max-bytes": True}) == 10_000_000  # not a number of bytes
    with ctx.test_request_context(), force_locale("tr"):
        with pytest.raises(ServiceError) as too_big:
            attachments.check({"x-max-bytes": 20}, "rapor.pdf", io.BytesIO(PDF))
        assert too_big.value.message == "“rapor.pdf” çok büyük: bu alana en fazla 20 B büyüklüğünde dosya yüklenebilir."
        with pytest.raises(ServiceError) as wrong:
            attachments.check({"x-accept": ["pdf"]}, "foto.pdf", io.BytesIO(PNG))  # a real PNG, not taken here
        assert "(PDF)" in wrong.value.message
        assert attachments.check({}, "..", io.BytesIO(PDF))[1] == "ek.pdf"
        assert attachments.check({}, "a\x00b\r\nc.exe", io.BytesIO(PDF))[1] == "abc.pdf"
        name = attachments.check({}, "x" * 400 + ".docx", io.BytesIO(DOCX))[1]
        assert len(name) == 255 and name.endswith(".docx")
        assert attachments.check({}, "tablo.xlsx", io.BytesIO(XLSX))[0] == "xlsx"
