"""Hostile templates and concurrent template changes: refused with a message, nothing changes,
never a 500."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from stratflow.documents import sample_context
from stratflow.documents.isolation import check_template_isolated
from stratflow.documents.render import TemplateProblem, check_template
from stratflow.documents.variables import top_level
from stratflow.extensions import db
from stratflow.models import AuditEvent, DocumentTemplate, DocumentVersion, Municipality, ProcessInstance, User
from stratflow.services import Conflict, documents, status_report

from .conftest import signed_in
from .helpers import render_documents
from .test_documents_web import _docx, _flash, _upload

GOOD = ("T.C.", "{{ municipality.name_upper }}", "ÖZEL GENELGE", "{%p for u in units %}", "{{ u.name }}",
        "{%p endfor %}")
EXTERNAL_IMAGE = ('<Relationship Id="rId99" TargetMode="External" Target="http://example.invalid/x.png" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>')
EXTERNAL_LINK = ('<Relationship Id="rId98" TargetMode="External" Target="https://example.org/" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>')


def _with_relationship(data: bytes, relationship: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", relationship.encode() + b"</Relationships>")
            target.writestr(item, content)
    return out.getvalue()


def _with_field(data: bytes, instruction: str) -> bytes:
    out = io.BytesIO()
    field = f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = content.replace(b"<w:sectPr", field.encode() + b"<w:sectPr", 1)
            target.writestr(item, content)
    return out.getvalue()


def _templates():
    db.session.expire_all()
    return [(t.version, t.active) for t in db.session.execute(
        db.select(DocumentTemplate).order_by(DocumentTemplate.version)).scalars()]


HOSTILE = {
    "lipsum": ("{{ lipsum(100000, false, 1000, 2000)|length }}", "tanınmayan yer tutucu var: lipsum"),
    "range": ("{% for a in range(100000) %}{% for b in range(100) %}x{% endfor %}{% endfor %}",
              "tanınmayan yer tutucu var: range"),
    "cycler": ("{{ cycler(1, 2).next() }}", "tanınmayan yer tutucu var: cycler"),
    "namespace": ("{% set ns = namespace(a=1) %}{{ ns.a }}", "tanınmayan yer tutucu var: namespace"),
    "multiply": ('{{ "x" * 30000000 }}', "izin verilmeyen bir ifade"),
    "multiply_in_steps": ('{% set a = "x" * 90000 %}{{ a + a }}', "izin verilmeyen bir ifade"),
    "power": ("{{ 10 ** 100000000 }}", "izin verilmeyen bir ifade"),
    "format": ('{{ "%0900000000d" % 1 }}', "izin verilmeyen bir ifade"),
    "escape": ("{{ ''.__class__.__mro__ }}", "izin verilmeyen bir ifade"),
    "escape_subclasses": ("{{ municipality.name.__class__.__base__.__subclasses__() }}",
                          "izin verilmeyen bir ifade"),
}


def test_hostile_templates_refused_and_previous_stays(demo, client):
    """Each hostile template in turn, uploaded through the page onto the same good one (each
    upload is checked in its own child process): refused with its message, nothing changes."""
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert _upload(b, demo.id, _docx(*GOOD)).status_code == 302
    for name, (source, expected) in sorted(HOSTILE.items()):
        response = _upload(b, demo.id, _docx("{{ municipality.name }}", source))
        assert response.status_code == 422, name
        assert expected in _flash(response), (name, _flash(response))
        assert _templates() == [(1, True)], name


def test_slow_template_check_times_out(demo, client, app):
    """No range, but nested loops over strings the arithmetic allows: the child process is stopped."""
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert _upload(b, demo.id, _docx(*GOOD)).status_code == 302
    app.config["DOCUMENT_TEMPLATE_CHECK_SECONDS"] = 2
    try:
        response = _upload(b, demo.id, _docx(
            '{% for a in "x" * 90000 %}{% for b in "x" * 90000 %}{{ "" }}{% endfor %}{% endfor %}'))
    finally:
        app.config.pop("DOCUMENT_TEMPLATE_CHECK_SECONDS")
    assert response.status_code == 422
    assert "Şablon denetimi zaman aşımına uğradı" in _flash(response)
    assert _templates() == [(1, True)]


def test_memory_hungry_template_is_stopped():
    """A filter the sandbox cannot size-check makes a huge string: the child's memory limit stops it."""
    data = _docx('{{ "%0900000000d"|format(1) }}')
    with pytest.raises(TemplateProblem) as problem:
        check_template_isolated(data, top_level("circular"), sample_context("circular"), 5_000_000,
                                seconds=20, memory=256 * 1024 * 1024)
    assert problem.value.reason in ("limits", "timeout")


def test_isolated_check_accepts_a_good_template():
    check_template_isolated(_docx(*GOOD), top_level("circular"), sample_context("circular"), 5_000_000)


def test_external_relationships_refused(demo, client):
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert _upload(b, demo.id, _docx(*GOOD)).status_code == 302
    response = _upload(b, demo.id, _with_relationship(_docx(*GOOD), EXTERNAL_IMAGE))
    assert response.status_code == 422
    assert "dış bir dosyaya ya da adrese bağlantı" in _flash(response)
    assert "http://example.invalid/x.png" in _flash(response)
    response = _upload(b, demo.id, _with_field(_docx(*GOOD), 'INCLUDEPICTURE &quot;file:///etc/passwd&quot;'))
    assert response.status_code == 422 and "INCLUDEPICTURE" in _flash(response)
    assert _templates() == [(1, True)]
    # a hyperlink to a web page is fine
    assert _upload(b, demo.id, _with_relationship(_docx(*GOOD), EXTERNAL_LINK)).status_code == 302
    assert _templates() == [(1, False), (2, True)]


def test_rendered_placeholders_cannot_add_fields():
    data = _with_field(_docx(*GOOD), "{{ municipality.name }}")
    check_template(data, top_level("circular"), sample_context("circular"), 5_000_000)  # a harmless field
    hostile = _with_field(_docx(*GOOD), "{{ 'INCLUDE' ~ 'PICTURE' }} x")
    with pytest.raises(TemplateProblem) as problem:
        check_template(hostile, top_level("circular"), sample_context("circular"), 5_000_000)
    assert problem.value.reason == "external"


def test_one_active_template_per_kind_enforced(demo):
    index = {i["name"]: i for i in sa.inspect(db.engine).get_indexes("document_template")}
    assert index["uq_document_template_active"]["unique"]
    for version in (1, 2):
        db.session.add(DocumentTemplate(municipality_id=demo.id, kind="circular", version=version,
                                        filename="x.docx", content=b"x", size=1, sha256="0" * 64, active=True))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_race_becomes_a_conflict_not_a_500(demo, client, monkeypatch):
    """If the locks were bypassed, the unique index refuses a second active template and the page
    shows a message."""
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert _upload(b, demo.id, _docx(*GOOD)).status_code == 302
    assert _upload(b, demo.id, _docx(*GOOD[:3])).status_code == 302
    first = db.session.execute(db.select(DocumentTemplate).filter_by(version=1)).scalar_one()
    monkeypatch.setattr(documents, "_deactivate", lambda municipality_id, kind: None)
    page = f"/municipalities/{demo.id}/document-templates"
    response = b.post(f"{page}/{first.id}/activate", form_page=page, follow_redirects=True)
    assert response.status_code == 200
    assert "aynı anda başka biri tarafından değiştirildi" in response.get_data(as_text=True)
    assert _templates() == [(1, False), (2, True)]

    with pytest.raises(Conflict):
        documents.activate_template(db.session.get(Municipality, demo.id), first.id, None)
    db.session.rollback()


def test_template_changes_render_in_the_scheduler_and_number_versions(demo, monkeypatch):
    from stratflow.services import document_jobs
    instance = db.session.execute(db.select(ProcessInstance)).scalars().first()
    render_documents()  # the demo's own documents
    rendered = []
    real = document_jobs._render
    monkeypatch.setattr(document_jobs, "_render", lambda *a: rendered.append(a[0].key) or real(*a))
    actor = db.session.execute(db.select(User).filter_by(email="sgm@camlitepe.bel.tr")).scalar_one()
    municipality = db.session.get(Municipality, demo.id)

    documents.upload_template(municipality, "circular", "a.docx", _docx(*GOOD), actor)
    db.session.commit()
    assert rendered == [] and document_jobs.pending(instance.id)  # nothing renders in the request
    render_documents()
    assert rendered == ["circular"] and not document_jobs.pending(instance.id)
    documents.upload_template(municipality, "circular", "b.docx", _docx(*GOOD[:3]), actor)
    db.session.commit()
    render_documents()
    assert rendered == ["circular", "circular"]
    versions = db.session.execute(db.select(DocumentVersion.version).filter_by(
        instance_id=instance.id, kind="circular").order_by(DocumentVersion.version)).scalars().all()
    assert len(versions) >= 3 and versions == list(range(1, len(versions) + 1))  # distinct, no gaps
    assert _templates() == [(1, False), (2, True)]


HUNGRY = ("T.C.", "{%p for a in units %}", "{%p for b in units %}", "{%p for c in units %}",
          "{%p for d in units %}", "{%p for e in units %}", "{%p for f in units %}", "{{ f.name }}",
          "{%p endfor %}", "{%p endfor %}", "{%p endfor %}", "{%p endfor %}", "{%p endfor %}", "{%p endfor %}")


def test_a_template_that_passed_the_check_cannot_hang_anything_with_the_real_data(demo, app, client):
    """Six nested loops over the units: 64 rounds with the check's two sample units, 12^6 with the
    demo's twelve. The upload is accepted, its request renders nothing, and the scheduler's rendering
    runs in a limited child process that is stopped: an incident, the scheduler goes on."""
    import time

    from stratflow.services import document_jobs
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    started = time.monotonic()
    assert _upload(b, demo.id, _docx(*HUNGRY)).status_code == 302
    assert time.monotonic() - started < 10
    instance = db.session.execute(db.select(ProcessInstance)).scalars().first()
    assert document_jobs.pending(instance.id)
    app.config["DOCUMENT_TEMPLATE_CHECK_SECONDS"] = 2
    try:
        started = time.monotonic()
        render_documents()
        assert time.monotonic() - started < 15
    finally:
        app.config["DOCUMENT_TEMPLATE_CHECK_SECONDS"] = 10
    failed = db.session.execute(db.select(AuditEvent).filter_by(action="document.failed", instance_id=instance.id)
                                ).scalars().all()
    assert [f.details["kind"] for f in failed] == ["circular"] and "timeout" in failed[0].details["error"]
    assert not document_jobs.pending(instance.id)


def test_status_report_slug_is_turkish_aware():
    view = SimpleNamespace(municipality=SimpleNamespace(name="İzmir Büyükşehir Belediyesi"))
    name = status_report.file_name(view)
    assert name.startswith("durum-raporu-izmir-buyuksehir-belediyesi-"), name
    view = SimpleNamespace(municipality=SimpleNamespace(name="IĞDIR İL ÖZEL İDARESİ"))
    assert status_report.file_name(view).startswith("durum-raporu-igdir-il-ozel-idaresi-")


# -- field codes split across runs, hidden by character references or prefixes; file/UNC links ------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _with_xml(data: bytes, fragment: str) -> bytes:
    """`fragment` (a paragraph's XML) added to the body of word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = content.replace(b"<w:sectPr", fragment.encode() + b"<w:sectPr", 1)
            target.writestr(item, content)
    return out.getvalue()


def _complex_field(*instructions: str, prefix: str = "w") -> str:
    """A field as Word writes it: begin, the instruction in several runs, separate, result, end."""
    runs = "".join(f"<{prefix}:r><{prefix}:instrText xml:space=\"preserve\">{text}</{prefix}:instrText></{prefix}:r>"
                   for text in instructions)
    declare = f' xmlns:{prefix}="{W_NS}"' if prefix != "w" else ""
    return (f"<w:p{declare}><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>{runs}"
            f"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>x</w:t></w:r>"
            f"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>")


def _nested_field(before: str, inner: str, after: str) -> str:
    return ("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
            f"<w:r><w:instrText xml:space=\"preserve\">{before}</w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
            f"<w:r><w:instrText xml:space=\"preserve\">{inner}</w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>y</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
            f"<w:r><w:instrText xml:space=\"preserve\">{after}</w:instrText></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>x</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>")


HOSTILE_FIELDS = {
    "split INCLUDEPICTURE": _complex_field("INCLUDEPIC", 'TURE "http://evil.example/x.png"'),
    "split DDEAUTO": _complex_field("DD", 'EAUTO "cmd" "/c calc"'),
    "one letter per run": _complex_field(*"LINK Excel.Sheet", ' "C:\\\\x.xlsx"'),
    "character reference": _complex_field('INCLUDE&#80;ICTURE "http://evil.example/x.png"'),
    "other prefix": _complex_field('INCLUDETEXT "file:///etc/passwd"', prefix="x"),
    "lower case": _complex_field(' includepicture "http://evil.example/x.png"'),
    "simple field with reference": '<w:p><w:fldSimple w:instr="I&#78;CLUDETEXT &quot;file:///etc/passwd&quot;">'
                                   '<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>',
    "keyword from a nested field": _nested_field("", 'QUOTE "INCLUDEPICTURE"', ' "http://evil.example/x.png"'),
    "keyword half nested": _nested_field("IN", 'QUOTE "CLUDETEXT"', ' "file:///etc/passwd"'),
    "hyperlink field to a file": _complex_field('HYPERLINK "file:///etc/passwd"'),
    "hyperlink field to a share": _complex_field('HYPERLINK "\\\\\\\\server\\\\share\\\\x.docx"'),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FIELDS))
def test_hidden_field_codes_are_refused(name):
    data = _with_xml(_docx(*GOOD), HOSTILE_FIELDS[name])
    with pytest.raises(TemplateProblem) as problem:
        check_template(data, top_level("circular"), sample_context("circular"), 5_000_000)
    assert problem.value.reason == "external", problem.value


@pytest.mark.parametrize("fragment", [
    _complex_field("PA", "GE"),
    _complex_field(' HYPERLINK "https://www.example.org/" '),
    _complex_field('HYPERLINK \\l "bolum1"'),
    _nested_field("IF ", "PAGE", ' = 1 "bir" "iki"'),
    '<w:p><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>',
])
def test_ordinary_fields_pass(fragment):
    check_template(_with_xml(_docx(*GOOD), fragment), top_level("circular"), sample_context("circular"), 5_000_000)


def test_hyperlinks_to_files_and_shares_are_refused(demo, client):
    """Each link target in turn, uploaded through the page onto the same good template."""
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert _upload(b, demo.id, _docx(*GOOD)).status_code == 302
    for target in ["file:///etc/passwd", "FILE://server/share/x.docx", " file:x.docx", "\\\\server\\share\\x.docx",
                   "//server/share/x.docx", "C:\\Belgeler\\x.docx", "smb://server/share", "x.docx"]:
        escaped = target.replace("&", "&amp;").replace('"', "&quot;")
        link = ('<Relationship Id="rId97" TargetMode="External" Target="' + escaped + '" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>')
        response = _upload(b, demo.id, _with_relationship(_docx(*GOOD), link))
        assert response.status_code == 422, target
        assert "dış bir dosyaya ya da adrese bağlantı" in _flash(response), target
        assert _templates() == [(1, True)], target


@pytest.mark.parametrize("target", ["https://www.example.org/a?b=1", "http://example.org", "mailto:sgm@example.org"])
def test_web_and_mail_hyperlinks_pass(target):
    link = ('<Relationship Id="rId97" TargetMode="External" Target="' + target + '" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>')
    check_template(_with_relationship(_docx(*GOOD), link), top_level("circular"), sample_context("circular"),
                   5_000_000)
