"""The plan book's strategy chapters from the cards as records (issue 14.6): the target cards with
their indicators per plan year, activities with costs per year and funding, risks with
likelihood and impact; the costing table per target, goal and year; the TPG annex — opened with
python-docx; and the document job gives the records to the plan skeleton."""

from __future__ import annotations

import io

import docx

from stratflow.documents import build, default_template
from stratflow.documents.render import render
from stratflow.extensions import db
from stratflow.models import PlanIndicator
from stratflow.services import document_jobs, plan_content
from stratflow.services.context import context_of

from .plan_helpers import town_with_plan


def _tables(content: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(content))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def test_the_plan_book_is_filled_from_the_cards(ctx, definition):
    _town, instance, _units = town_with_plan()
    key = db.session.execute(db.select(PlanIndicator).filter_by(instance_id=instance.id, code="PG1.1.1")).scalar_one()
    key.key_indicator = True
    db.session.commit()
    facts = document_jobs._facts(context_of(instance), {})
    assert [t["code"] for t in facts["plan"]["targets"]] == ["H1.1", "H2.1"]
    assert facts["plan"] == plan_content.snapshot(instance)
    tables = _tables(render(default_template("plan_skeleton"), build("plan_skeleton", facts), strict=True))
    indicators = next(t for t in tables if t[0][:2] == ["Kod", "Performans göstergesi"])
    assert indicators[0][4:9] == ["2025", "2026", "2027", "2028", "2029"]
    assert indicators[1][:4] == ["PG1.1.1", "Gösterge PG1.1.1", "60", "10"] and indicators[1][4:9] == [
        "11", "12", "13", "14", "15"]
    activities = next(t for t in tables if t[0][:2] == ["Faaliyet / proje", "Tür"])
    assert activities[1][:2] == ["Yol yenileme", "Proje"] and activities[1][-1] == "Öz kaynak"
    assert activities[1][2:8] == ["1.000 TL", "2.000 TL", "0 TL", "0 TL", "500,50 TL", "3.500,50 TL"]
    risks = next(t for t in tables if t[0][:3] == ["Risk", "Olasılık", "Etki"])
    assert risks[1] == ["Ödenek yetersizliği", "3", "4", "Öncelik sırası"]
    costing = next(t for t in tables if t[0][0] == "Hedef" and t[0][-1] == "Toplam")
    labels = [row[0] for row in costing[1:]]
    assert labels == ["H1.1 Hedef H1.1", "A1 toplamı", "H2.1 Hedef H2.1", "A2 toplamı", "Genel toplam"]
    assert costing[-1][1:] == ["2.000 TL", "4.000 TL", "0 TL", "0 TL", "1.001 TL", "7.001 TL"]
    annex = next(t for t in tables if t[0][:3] == ["Kod", "Gösterge", "Hedef"])
    assert [row[:3] for row in annex[1:]] == [["PG1.1.1", "Gösterge PG1.1.1", "H1.1"]]
