"""The plan's cards through the JSON API: reading for everyone of the municipality, writing for
those who may, 422 naming the target when its weights do not sum to 100 (nothing saved), 403 / 404."""

from __future__ import annotations

import pytest

from stratflow.extensions import db
from stratflow.services import accounts

from . import factories
from .plan_helpers import card, indicator, manager_of, town_with_plan
from .test_api import Api, check, snapshot

BASE = "/instances/{instance_id}/plan"


@pytest.fixture
def plan(ctx, definition):
    return town_with_plan()


def client(app, user) -> Api:
    _token, secret = accounts.create_token(user, "test")
    db.session.commit()
    return Api(app, secret)


def test_read_the_plan_goals_targets_and_indicators(app, plan):
    town, instance, units = plan
    fen = client(app, manager_of(units[0]))
    body = check(fen.get(f"/instances/{instance.id}/plan"), "get", BASE, 200)
    assert body["years"] == [2025, 2026, 2027, 2028, 2029]
    assert [t["code"] for t in body["targets"]] == ["H1.1", "H2.1"] and body["costing"]["total"] == 7001
    goals = check(fen.get(f"/instances/{instance.id}/plan/goals"), "get", BASE + "/goals", 200)
    assert goals["goals"] == [{"code": "A1", "title": "Amaç A1"}, {"code": "A2", "title": "Amaç A2"}]
    mine = check(fen.get(f"/instances/{instance.id}/plan/targets?unit_id={units[0].id}"), "get",
                 BASE + "/targets", 200)
    assert [t["code"] for t in mine["targets"]] == ["H1.1"]
    one = check(fen.get(f"/instances/{instance.id}/plan/targets/H2.1"), "get", BASE + "/targets/{code}", 200)
    assert one["responsible_unit"]["id"] == units[1].id
    indicators = check(fen.get(f"/instances/{instance.id}/plan/indicators"), "get", BASE + "/indicators", 200)
    assert [i["code"] for i in indicators["indicators"]] == ["PG1.1.1", "PG1.1.2", "PG2.1.1", "PG2.1.2"]
    check(fen.get(f"/instances/{instance.id}/plan/targets/H9.9"), "get", BASE + "/targets/{code}", 404)


def test_create_and_patch_cards_and_goals(app, plan):
    town, instance, units = plan
    sgm = client(app, factories.person(town, "coordinator"))
    check(sgm.post(f"/instances/{instance.id}/plan/goals", {"code": "A3", "title": "Sosyal"}),
          "post", BASE + "/goals", 201)
    check(sgm.patch(f"/instances/{instance.id}/plan/goals/A3", {"title": "Sosyal belediyecilik"}),
          "patch", BASE + "/goals/{code}", 200)
    new = card("H3.1", units[2].id, (25, 25, 50))
    created = sgm.post(f"/instances/{instance.id}/plan/targets", new)
    body = check(created, "post", BASE + "/targets", 201)
    assert created.headers["Location"].endswith("/plan/targets/H3.1") and body["weight_total"] == 100
    fen = client(app, manager_of(units[0]))
    body = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1",
                           {"title": "Yol ağının bakımı", "revision": 1}), "patch", BASE + "/targets/{code}", 200)
    assert body["title"] == "Yol ağının bakımı" and body["revision"] == 2
    stale = fen.patch(f"/instances/{instance.id}/plan/targets/H1.1", {"title": "eski", "revision": 1})
    check(stale, "patch", BASE + "/targets/{code}", 409)


def test_weights_not_100_is_a_422_naming_the_target_and_nothing_changes(app, plan):
    town, instance, units = plan
    fen = client(app, manager_of(units[0]))
    before = snapshot()
    reply = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1",
                            {"indicators": [indicator("PG1.1.1", 60), indicator("PG1.1.2", 30)]}),
                  "patch", BASE + "/targets/{code}", 422)
    assert "H1.1" in reply["error"]["message"] and "90" in reply["error"]["message"]
    assert "indicators" in reply["error"]["fields"]
    reply = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1",
                            {"indicators": [indicator("PG1.1.1", 100, values={"2025": 1, "2031": 2})]}),
                  "patch", BASE + "/targets/{code}", 422)
    assert "indicators-0-values" in reply["error"]["fields"]
    reply = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1", {"colour": "red"}),
                  "patch", BASE + "/targets/{code}", 422)
    assert reply["error"]["fields"] == {"colour": "Bu formda böyle bir alan yok."}
    assert snapshot() == before


def test_the_refusal_is_in_the_users_language(app, plan):
    town, instance, units = plan
    manager = manager_of(units[0])
    manager.locale = "en"
    fen = client(app, manager)
    reply = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1",
                            {"indicators": [indicator("PG1.1.1", 60), indicator("PG1.1.2", 30)]}),
                  "patch", BASE + "/targets/{code}", 422)
    assert reply["error"]["message"] == ("The weights of the indicators of target H1.1 sum to 90; "
                                         "they must sum to exactly 100.")
    reply = check(fen.patch(f"/instances/{instance.id}/plan/targets/H1.1", {"responsible_unit_id": units[1].id}),
                  "patch", BASE + "/targets/{code}", 422)
    assert reply["error"]["fields"] == {"responsible_unit_id": "Only the coordinator and the planning team may "
                                                               "change this."}


def test_permissions_unit_manager_403_stranger_404(app, plan):
    town, instance, units = plan
    fen = client(app, manager_of(units[0]))
    check(fen.patch(f"/instances/{instance.id}/plan/targets/H2.1", {"title": "başkasının"}),
          "patch", BASE + "/targets/{code}", 403)
    check(fen.post(f"/instances/{instance.id}/plan/goals", {"code": "A3", "title": "x"}), "post", BASE + "/goals", 403)
    check(fen.post(f"/instances/{instance.id}/plan/targets", card("H1.2", units[0].id)), "post",
          BASE + "/targets", 403)
    _other, _i, _u = town_with_plan("Başka Belediyesi", cards=False)
    stranger = client(app, factories.person(_other, "coordinator"))
    check(stranger.get(f"/instances/{instance.id}/plan"), "get", BASE, 404)
    check(stranger.patch(f"/instances/{instance.id}/plan/targets/H1.1", {"title": "x"}),
          "patch", BASE + "/targets/{code}", 404)
    check(stranger.get(f"/instances/{instance.id}/plan/versions"), "get", BASE + "/versions", 404)
