"""Write the default Word templates of the official documents: stratflow/documents/templates/*.docx.

The templates are docxtpl files (Jinja inside Word): `{{ municipality.name_upper }}`, table rows
repeated with `{%tr for m in board.members %}`, paragraphs with `{%p for … %}`. Their placeholders
are documented in stratflow/documents/variables.py (and on the app's placeholder page). Layout:
A4, Times New Roman 12, the official letter head (T.C. / MUNICIPALITY / directorate), the Sayı and
Konu lines with the numeric date (30.09.2024) on the right, the signature block on the right; a
council decision has its own head (dönem, toplantı, birleşim, oturum, karar tarihi and sayısı) and
the chair's and the two clerks' signatures side by side.

    .venv/bin/python tools/build_document_templates.py [--check]

`--check` only reports whether the files on disk differ from what the script would write.
The output is byte-for-byte reproducible (fixed zip timestamps and core properties).
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from document_texts import BODIES  # noqa: E402
from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt, RGBColor  # noqa: E402

TARGET = ROOT / "stratflow" / "documents" / "templates"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
FONT = "Times New Roman"
CENTER, RIGHT, JUSTIFY, LEFT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY,
                                WD_ALIGN_PARAGRAPH.LEFT)


# -- page and text helpers ----------------------------------------------------------------------

def new_document(title: str, landscape: bool = False) -> Document:
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "stratflow", "stratflow"
    props.created = props.modified = datetime(*FIXED_TIME)
    props.revision = 1
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21)) if landscape else (Cm(21), Cm(29.7))
    section.left_margin = section.right_margin = Cm(2.5 if not landscape else 1.8)
    section.top_margin = section.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.15
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        heading = doc.styles[name]
        heading.font.name, heading.font.color.rgb = FONT, RGBColor(0, 0, 0)
        heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:asciiTheme"), "")
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(12), Pt(6)
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(12)
    doc.styles["Heading 3"].font.size = Pt(12)
    footer = section.footer.paragraphs[0]
    footer.alignment = CENTER
    _run(footer, "{{ municipality.name }} · {{ document.title }}", size=8)
    return doc


def _run(paragraph, text: str, bold: bool = False, size: float | None = None, italic: bool = False):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return run


def para(doc, text: str = "", align=JUSTIFY, bold: bool = False, indent: bool = False, after: float = 6,
         size: float | None = None):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    if text:
        _run(paragraph, text, bold=bold, size=size)
    return paragraph


def tag(doc, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
    return para(doc, text, align=LEFT, after=0)


def letter_head(doc) -> None:
    for text in ("T.C.", "{{ municipality.name_upper }}", "{{ directorate }}"):
        para(doc, text, align=CENTER, bold=True, after=0)
    para(doc, after=6)
    table = doc.add_table(rows=2, cols=2)
    _widths(table, (11.5, 4.5))
    cells = table.rows[0].cells
    _cell_text(cells[0], "Sayı\t: {{ document.number }}")
    _cell_text(cells[1], "{{ document.date }}", align=RIGHT)
    _cell_text(table.rows[1].cells[0], "Konu\t: {{ document.subject }}")
    para(doc, after=12)


def council_head(doc) -> None:
    """A council decision's head: no Sayı/Konu lines (its number and date are in the header grid)."""
    for text in ("T.C.", "{{ municipality.name_upper }}", "{{ directorate_upper }}"):
        para(doc, text, align=CENTER, bold=True, after=0)
    para(doc, after=6)


def signature(doc, name: str = "{{ mayor.full_name }}", title: str = "{{ mayor.title }}") -> None:
    para(doc, after=24)
    table = doc.add_table(rows=2, cols=2)
    _widths(table, (9, 7))
    _cell_text(table.rows[0].cells[1], name, align=CENTER, bold=True)
    _cell_text(table.rows[1].cells[1], title, align=CENTER)


def _widths(table, widths_cm) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=False):
        column.set(qn("w:w"), str(int(Cm(width).twips)))


def _cell_text(cell, text: str, align=LEFT, bold: bool = False, size: float | None = None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _run(paragraph, text, bold=bold, size=size)


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def loop_table(doc, headers, fields, loop: str, widths=None, size: float = 10) -> None:
    """A bordered table: header row, then one row per item of `loop` ("m in board.members")."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, size=size)
        _shade(cell, "D9E2F3")
    variable = loop.split(" in ")[0].strip()
    _cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for cell, field in zip(table.rows[2].cells, fields, strict=True):
        text = field if field.startswith(("{{", "{%")) else f"{{{{ {variable}.{field} }}}}"
        _cell_text(cell, text, size=size)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    if widths:
        _widths(table, widths)
    para(doc, after=6)


def matrix_table(doc, corner: str, columns: str, rows: str, row_label: str, cells: str, label_width: float,
                 cells_width: float, size: float = 10) -> None:
    """A bordered table whose columns repeat as well ({%tc … %}): the corner cell, then a header cell
    per item of `columns` ("c in m.codes"); a row per item of `rows` with `row_label` and a cell per
    item of `cells`. The table keeps its width (`label_width` + `cells_width`) however many columns."""
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Table Grid"]
    column = columns.split(" in ")[0].strip()
    cell = cells.split(" in ")[0].strip()
    for target, text in zip(table.rows[0].cells, (corner, f"{{%tc for {columns} %}}", f"{{{{ {column} }}}}",
                                                  "{%tc endfor %}"), strict=True):
        _cell_text(target, text, bold=True, size=size)
        _shade(target, "D9E2F3")
    _cell_text(table.rows[1].cells[0], f"{{%tr for {rows} %}}", size=size)
    body = table.rows[2].cells
    for target, text in zip(body, (f"{{{{ {row_label} }}}}", f"{{%tc for {cells} %}}", f"{{{{ {cell} }}}}",
                                   "{%tc endfor %}"), strict=True):
        _cell_text(target, text, size=size, align=LEFT if target is body[0] else CENTER)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    _widths(table, (label_width, *[cells_width / 3] * 3))  # docxtpl rescales the grid to the columns made
    para(doc, after=6)


def grid(doc, rows, widths) -> None:
    """A borderless header of label : value pairs side by side (a council decision's numbers)."""
    table = doc.add_table(rows=len(rows), cols=len(widths))
    for row, values in zip(table.rows, rows, strict=True):
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell_text(cell, f": {value}" if i % 2 else value, bold=not i % 2, size=11)
    _widths(table, widths)
    para(doc, after=6)


def signatures(doc, signers) -> None:
    """Signers side by side (the council chair and the two clerks), names above titles."""
    para(doc, after=30)
    table = doc.add_table(rows=2, cols=len(signers))
    _widths(table, [16 / len(signers)] * len(signers))
    for i, (name, title) in enumerate(signers):
        _cell_text(table.rows[0].cells[i], name, align=CENTER, bold=True)
        _cell_text(table.rows[1].cells[i], title, align=CENTER)


def facts_table(doc, rows, widths=(5.5, 10.5)) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell_text(row.cells[0], label, bold=True, size=11)
        _shade(row.cells[0], "F2F2F2")
        _cell_text(row.cells[1], value, size=11)
    _widths(table, widths)
    para(doc, after=6)


def body(doc, paragraphs) -> None:
    """Body text: a str is a justified, indented paragraph; ("tag", …) a docxtpl tag paragraph;
    ("table", …) a loop table; ("h1"/"h2"/"h3", text) a heading; ("facts", rows) a two-column table."""
    for item in paragraphs:
        if isinstance(item, str):
            para(doc, item, indent=True)
            continue
        kind, *args = item
        if kind == "tag":
            tag(doc, args[0])
        elif kind == "table":
            loop_table(doc, *args)
        elif kind == "matrix":
            matrix_table(doc, *args)
        elif kind == "facts":
            facts_table(doc, *args)
        elif kind == "grid":
            grid(doc, *args)
        elif kind == "signatures":
            signatures(doc, *args)
        elif kind == "space":
            para(doc, after=6)
        elif kind in ("h1", "h2", "h3"):
            doc.add_heading(args[0], level=int(kind[1]))
        elif kind == "center":
            para(doc, args[0], align=CENTER, bold=True, after=12)
        elif kind == "left":
            para(doc, args[0], align=LEFT, after=4)
        elif kind == "pagebreak":
            doc.add_page_break()


# -- the documents ------------------------------------------------------------------------------

def gantt(doc) -> None:
    headers = ["No", "Aşama / faaliyet", "Sorumlu", "Başlangıç", "Bitiş", *[f"{{{{ program.months[{i}] }}}}"
                                                                         for i in range(7)]]
    fields = ["no", "{{ a.phase }}: {{ a.activity }}", "owner", "start", "end",
              *[f"{{% cellbg a.cells[{i}].fill %}}{{{{ a.cells[{i}].mark }}}}" for i in range(7)]]
    loop_table(doc, headers, fields, "a in program.activities", widths=(1, 7.5, 4, 2.7, 2.7, *[1.6] * 7), size=9)


def build(kind: str) -> Document:
    spec = BODIES[kind]
    doc = new_document(spec["title"], landscape=spec.get("landscape", False))
    if spec.get("letter", True) == "council":
        council_head(doc)
    elif spec.get("letter", True):
        letter_head(doc)
    else:
        for text in ("T.C.", "{{ municipality.name_upper }}"):
            para(doc, text, align=CENTER, bold=True, after=0, size=16)
        para(doc, after=12)
    if spec.get("addressee"):
        para(doc, spec["addressee"], align=CENTER, bold=True, after=12)
    headings = spec.get("heading") or ()
    headings = (headings,) if isinstance(headings, str) else headings
    for i, text in enumerate(headings, 1):  # a numbered genelge: GENELGE, then its number below
        para(doc, text, align=CENTER, bold=True, after=12 if i == len(headings) else 0)
    body(doc, spec["body"])
    if kind == "program":
        gantt(doc)
        body(doc, spec["after_gantt"])
    signer = spec.get("signer", ("{{ mayor.full_name }}", "{{ mayor.title }}"))
    if signer:
        signature(doc, *signer)
    body(doc, spec.get("closing", []))
    return doc


def reproducible(doc: Document) -> bytes:
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    TARGET.mkdir(parents=True, exist_ok=True)
    for kind in BODIES:
        data = reproducible(build(kind))
        path = TARGET / f"{kind}.docx"
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.name)
        else:
            path.write_bytes(data)
    if check and stale:
        print("out of date (run tools/build_document_templates.py): " + ", ".join(stale))
        return 1
    print("templates up to date" if check else f"wrote {len(BODIES)} templates to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
