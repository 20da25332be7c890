"""Documents on the pages: task and instance pages, downloads, templates (upload checks), access."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import date

import docx

from stratflow.extensions import db
from stratflow.models import (
    DocumentTemplate,
    DocumentVersion,
    Municipality,
    ProcessInstance,
    RoleAssignment,
    SpendingUnit,
    TaskRecord,
    User,
)
from stratflow.services.accounts import hash_password

from .conftest import signed_in
from .helpers import render_documents


def _ids(demo):
    render_documents()
    instance = db.session.execute(db.select(ProcessInstance)).scalars().first()
    circular = db.session.execute(db.select(DocumentVersion).filter_by(instance_id=instance.id, kind="circular")
                                  .order_by(DocumentVersion.version.desc())).scalars().first()
    approval = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="circular_approval")).scalars().first()
    return instance.id, circular.id, approval.id


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(b, municipality_id, data: bytes, kind="circular", name="genelge.docx"):
    page = f"/municipalities/{municipality_id}/document-templates"
    return b.post(f"{page}/{kind}", {"file": (io.BytesIO(data), name)}, form_page=page,
                  content_type="multipart/form-data")


def _flash(response) -> str:
    return html.unescape(" ".join(re.findall(r'class="flash error"[^>]*>([^<]*)<', response.get_data(as_text=True))))


def test_task_and_instance_pages_show_documents(demo, client):
    instance_id, circular_id, approval_id = _ids(demo)
    b = signed_in(client, "baskan@camlitepe.bel.tr")
    page = b.get(f"/tasks/{approval_id}").get_data(as_text=True)
    assert 'data-test="task-documents"' in page and f"/documents/{circular_id}.docx" in page
    page = b.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert 'data-kind="circular"' in page and 'data-kind="board_approval"' in page
    response = b.get(f"/documents/{circular_id}.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "ÇAMLITEPE BELEDİYESİ" in "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    assert b.get(f"/documents/{circular_id}.xlsx").status_code == 404  # only the team list has one


def test_pdf_download_without_libreoffice_explains(demo, client, app):
    _instance_id, circular_id, _ = _ids(demo)
    b = signed_in(client, "baskan@camlitepe.bel.tr")
    app.config["SOFFICE_BINARY"] = "/nonexistent/soffice"
    import stratflow.pdf as pdf
    saved = pdf.soffice_binary
    pdf.soffice_binary = lambda configured=None: None
    try:
        response = b.get(f"/documents/{circular_id}.pdf", follow_redirects=True)
    finally:
        pdf.soffice_binary = saved
        app.config.pop("SOFFICE_BINARY")
    assert response.status_code == 200
    assert "PDF oluşturulamadı" in response.get_data(as_text=True)


def test_template_upload_checks_keep_the_previous_template(demo, client, app):
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    good = _docx("T.C.", "{{ municipality.name_upper }}", "ÖZEL GENELGE {{ nomination_deadline }}",
                 "{%p for u in units %}", "{{ u.name }}", "{%p endfor %}")
    response = _upload(b, demo.id, good)
    assert response.status_code == 302
    active = db.session.execute(db.select(DocumentTemplate).filter_by(active=True)).scalar_one()
    assert active.version == 1
    instance_id, circular_id, _ = _ids(demo)
    latest = db.session.get(DocumentVersion, circular_id)
    assert latest.template_id == active.id  # regenerated with the new template (by the scheduler)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(latest.docx)).paragraphs)
    assert "ÖZEL GENELGE" in text and "Zabıta Müdürlüğü" in text

    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\0" * 10)
    app.config["DOCUMENT_TEMPLATE_MAX_BYTES"] = 2000
    try:
        too_big = _upload(b, demo.id, good)
    finally:
        app.config.pop("DOCUMENT_TEMPLATE_MAX_BYTES")
    cases = {
        "Dosya bir Word belgesi (.docx) değil": _upload(b, demo.id, b"\x00garbage" * 100),
        "tanınmayan yer tutucu var: budget_total": _upload(b, demo.id, _docx("{{ budget_total }}")),
        "tanınmayan yer tutucu var: mayor_name.":
            _upload(b, demo.id, _docx("{{ municipality.mayor_name }}")),
        "yazım (Jinja) hatası": _upload(b, demo.id, _docx("{{ municipality.name ")),
        "Makro içeren": _upload(b, demo.id, macro.getvalue()),
        "çok büyük (en fazla 0,002 MB)": too_big,
    }
    for expected, response in cases.items():
        assert response.status_code == 422, expected
        assert expected in _flash(response), (expected, _flash(response))
    db.session.expire_all()
    templates = db.session.execute(db.select(DocumentTemplate)).scalars().all()
    assert [(t.version, t.active) for t in templates] == [(1, True)]  # nothing stored, v1 still in use
    assert db.session.execute(db.select(db.func.count(DocumentVersion.id)).filter_by(
        instance_id=instance_id, kind="circular")).scalar() == latest.version

    page = f"/municipalities/{demo.id}/document-templates"
    assert b.post(f"{page}/circular/default", form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(DocumentTemplate.active)).scalar_one() is False
    render_documents()
    newest = db.session.execute(db.select(DocumentVersion).filter_by(instance_id=instance_id, kind="circular")
                                .order_by(DocumentVersion.version.desc())).scalars().first()
    assert newest.template_id is None and newest.version == latest.version + 1
    assert 'data-template-version="1"' in b.get(page).get_data(as_text=True)  # the upload is kept


def _other_municipality():
    town = Municipality(name="Başka Belediyesi", province="İzmir", type="ilce", population=60000,
                        election_date=date(2024, 3, 31))
    db.session.add(town)
    db.session.add(SpendingUnit(municipality=town, name="Strateji Geliştirme Müdürlüğü"))
    user = User(email="sgm@baska.bel.tr", full_name="Başka Koordinatör", password_hash=hash_password("Demo.2024"))
    user.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.add(user)
    db.session.commit()
    return town


def test_access_to_documents_and_templates(demo, client, app):
    _instance_id, circular_id, _ = _ids(demo)
    _other_municipality()
    page = f"/municipalities/{demo.id}/document-templates"
    other = signed_in(app.test_client(), "sgm@baska.bel.tr")
    assert other.get(f"/documents/{circular_id}.docx").status_code == 404
    assert other.get(page).status_code == 404
    manager = signed_in(app.test_client(), "fen@camlitepe.bel.tr")
    assert manager.get(f"/documents/{circular_id}.docx").status_code == 200  # a role in the municipality
    assert manager.get(page).status_code == 403
    token = manager.csrf("/document-templates/placeholders")
    response = manager.client.post(f"{page}/circular", data={"csrf_token": token,
                                                             "file": (io.BytesIO(_docx("x")), "x.docx")},
                                   content_type="multipart/form-data")
    assert response.status_code == 403
    consultant = signed_in(app.test_client(), "danisman@aymett.example")
    assert consultant.get(f"/documents/{circular_id}.docx").status_code == 200
    assert consultant.get(page).status_code == 403
    admin = signed_in(client, "admin@stratflow.example")
    assert admin.get(page).status_code == 200
    placeholders = admin.get("/document-templates/placeholders").get_data(as_text=True)
    assert "board.members[].full_name" in placeholders and "team.members[].phone" in placeholders
    assert admin.get("/document-templates/default/circular.docx").status_code == 200
