"""The plan's pages: the consolidated view with its filters, the target card form (weights sum
shown, refused when not 100, nothing saved), permissions (403 / 404), versions and their diff,
Excel export and import (round trip; a bad file changes nothing, with line-by-line reasons)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from stratflow.extensions import db
from stratflow.models import PlanIndicator, PlanTarget
from stratflow.services import accounts, plan_content, plan_versions

from . import factories
from .conftest import signed_in
from .plan_helpers import manager_of, town_with_plan
from .test_api import snapshot


@pytest.fixture
def plan(ctx, definition):
    return town_with_plan()


def login(client, user):
    user.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return signed_in(client, user.email)


def _card_form(page_values: dict) -> dict:
    base = {"title": "Yol ağının bakımı", "findings": "Yollar eski", "needs": "", "strategies": "",
            "cooperating_sent": "1", "risks-0-risk": "Ödenek", "risks-0-likelihood": "3", "risks-0-impact": "4",
            "activities-0-kind": "project", "activities-0-name": "Yol yenileme",
            **{f"activities-0-costs-{y}": "1000" for y in range(2025, 2030)}}
    for n, weight in enumerate((60, 30), start=0):
        base |= {f"indicators-{n}-code": f"PG1.1.{n + 1}", f"indicators-{n}-name": f"Gösterge {n + 1}",
                 f"indicators-{n}-weight": str(weight), f"indicators-{n}-baseline": "1",
                 f"indicators-{n}-direction": "increase", f"indicators-{n}-monitoring": "six_monthly",
                 f"indicators-{n}-reporting": "yearly",
                 **{f"indicators-{n}-values-{y}": str(y - 2020) for y in range(2025, 2030)}}
    return base | page_values


def test_the_unit_manager_fills_their_card_weights_wrong_then_right(client, plan):
    town, instance, units = plan
    b = login(client, manager_of(units[0]))
    path = f"/instances/{instance.id}/plan/targets/H1.1"
    page = b.get(path).get_data(as_text=True)
    assert 'data-test="weight-total"' in page and "Ağırlıklar toplamı: 100" in page
    assert 'name="code"' in page and 'id="f-code" name="code" type="text" value="H1.1" size="8" disabled' in page
    before = snapshot()
    refused = b.post(path, _card_form({"revision": "1"}))
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "H1.1 hedefinin göstergelerinin ağırlıkları toplamı 90; tam 100 olmalıdır." in text
    assert "Ağırlıklar toplamı: 90 — göstergelerin hedefe etkileri toplamı tam 100 olmalıdır." in text
    assert snapshot() == before
    saved = b.post(path, _card_form({"revision": "1", "indicators-1-weight": "40"}))
    assert saved.status_code == 302
    db.session.expire_all()
    target = db.session.execute(db.select(PlanTarget).filter_by(code="H1.1")).scalar_one()
    assert target.title == "Yol ağının bakımı" and target.revision == 2 and target.responsible_unit_id == units[0].id
    assert [(i.code, int(i.weight)) for i in target.indicators] == [("PG1.1.1", 60), ("PG1.1.2", 40)]
    assert b.get(f"/instances/{instance.id}/plan/targets/H2.1").status_code == 200  # reads it …
    assert b.post(f"/instances/{instance.id}/plan/targets/H2.1", _card_form({})).status_code == 403  # … not more
    assert b.get(f"/instances/{instance.id}/plan/targets/new").status_code == 403


def test_the_consolidated_view_filters_and_shows_costing(client, plan):
    town, instance, units = plan
    b = login(client, factories.person(town, "coordinator"))
    page = b.get(f"/instances/{instance.id}/plan").get_data(as_text=True)
    assert 'data-target="H1.1"' in page and 'data-target="H2.1"' in page and "7.001,00" in page
    page = b.get(f"/instances/{instance.id}/plan?unit={units[1].id}").get_data(as_text=True)
    assert 'data-target="H1.1"' not in page and 'data-target="H2.1"' in page
    page = b.get(f"/instances/{instance.id}/plan?goal=A1&completeness=incomplete").get_data(as_text=True)
    assert 'data-target="H1.1"' not in page
    assert b.get(f"/instances/{instance.id}/plan?unit=abc&goal=<x>").status_code == 200
    refused = b.post(f"/instances/{instance.id}/plan/goals", {"code": "B7", "title": "Yanlış"})
    assert refused.status_code == 422 and "Amaç kodu A1, A2 … biçiminde olmalıdır." in refused.get_data(as_text=True)
    assert b.post(f"/instances/{instance.id}/plan/goals", {"code": "A10", "title": "Onuncu"}).status_code == 302
    assert b.post(f"/instances/{instance.id}/plan/goals/A10", {"title": "Onuncu amaç"}).status_code == 302
    assert [g.code for g in plan_content.goals(instance)] == ["A1", "A2", "A10"]


def test_a_stranger_gets_404_everywhere(client, plan):
    town, instance, units = plan
    other, _i, _u = town_with_plan("Başka Belediyesi", cards=False)
    b = login(client, factories.person(other, "coordinator"))
    for path in ("", "/targets/H1.1", "/targets/new", "/versions", "/export.xlsx"):
        assert b.get(f"/instances/{instance.id}/plan{path}").status_code == 404, path


def test_versions_page_and_diff(client, plan):
    town, instance, units = plan
    coordinator = factories.person(town, "coordinator")
    plan_versions.freeze(instance, coordinator, "draft_review")
    plan_content.save_card(coordinator, instance, {"title": "Değişti"}, code="H2.1")
    plan_content.save_goal(coordinator, instance, {"code": "A3", "title": "Yeni amaç"})
    plan_versions.freeze(instance, coordinator, "draft_review")
    db.session.commit()
    b = login(client, coordinator)
    page = b.get(f"/instances/{instance.id}/plan/versions").get_data(as_text=True)
    assert "Sürüm 1 → 2" in page and "Amaç A3" in page and "Değişti" in page


def _export(b, instance) -> bytes:
    response = b.get(f"/instances/{instance.id}/plan/export.xlsx")
    assert response.status_code == 200
    return response.data


def _upload(b, instance, data: bytes, name: str = "kartlar.xlsx"):
    return b.post(f"/instances/{instance.id}/plan/import", {"file": (io.BytesIO(data), name)},
                  form_page=f"/instances/{instance.id}/plan", content_type="multipart/form-data")


def test_excel_round_trip_and_a_bad_import_changes_nothing(client, plan):
    town, instance, units = plan
    b = login(client, factories.person(town, "coordinator"))
    data = _export(b, instance)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Amaçlar", "Hedefler", "Göstergeler", "Faaliyetler", "Riskler", "Maliyetlendirme"]
    before = plan_content.snapshot(instance)
    assert _upload(b, instance, data).status_code == 302  # the same cards back: nothing changes
    db.session.expire_all()
    assert plan_content.snapshot(instance) == before
    # A changed copy: a new target under A2, one indicator's weight changed so that H1.1 sums to 90
    sheet = book["Göstergeler"]
    sheet["H2"] = 50  # PG1.1.1: 60 → 50
    book["Hedefler"].append(["H2.2", "A2", "Yeni hedef", "Olmayan Müdürlük"])
    book["Riskler"].append(["H9.9", "Yetim risk", 1, 1, ""])
    out = io.BytesIO()
    book.save(out)
    state = snapshot()
    refused = _upload(b, instance, out.getvalue())
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "H1.1 hedefinin göstergelerinin ağırlıkları toplamı 90; tam 100 olmalıdır." in text
    assert "Hedefler, satır 4" in text and "Olmayan Müdürlük" in text and "Riskler, satır" in text
    assert snapshot() == state and db.session.execute(db.select(db.func.count(PlanIndicator.id))).scalar() == 4
    # fixed: the import writes the new card and the changed weights
    sheet["H3"] = 50
    book["Hedefler"]["D4"] = units[2].name
    book["Riskler"].delete_rows(book["Riskler"].max_row)
    out = io.BytesIO()
    book.save(out)
    assert _upload(b, instance, out.getvalue()).status_code == 302
    db.session.expire_all()
    after = plan_content.snapshot(instance)
    assert [t["code"] for t in after["targets"]] == ["H1.1", "H2.1", "H2.2"]
    assert [i["weight"] for i in after["targets"][0]["indicators"]] == [50, 50]


def test_only_the_team_imports_and_a_non_excel_file_is_refused(client, plan):
    town, instance, units = plan
    b = login(client, factories.person(town, "coordinator"))
    refused = _upload(b, instance, b"Kod;Amac\nA1;x", "kartlar.csv")
    assert refused.status_code == 422 and "xlsx" in refused.get_data(as_text=True)
    data = _export(b, instance)
    m = login(client.application.test_client(), manager_of(units[0]))
    assert _upload(m, instance, data).status_code == 403
