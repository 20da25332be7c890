"""Frozen versions of the plan's cards (every one kept) and the diff between two: cards added,
removed and changed, with the changed fields and both values."""

from __future__ import annotations

import pytest

from stratflow.extensions import db
from stratflow.models import PlanVersion
from stratflow.services import NotFound, plan_content, plan_versions

from . import factories
from .plan_helpers import indicator, town_with_plan


@pytest.fixture
def plan(ctx, definition):
    return town_with_plan()


def test_every_version_is_kept_and_the_diff_names_cards_and_fields(plan):
    town, instance, units = plan
    coordinator = factories.person(town, "coordinator")
    first = plan_versions.freeze(instance, coordinator, "draft_review")
    plan_content.save_card(coordinator, instance, {"title": "Yeni başlık", "indicators": [
        indicator("PG2.1.1", 50), indicator("PG2.1.3", 50, baseline=12)]}, code="H2.1")
    plan_content.save_goal(coordinator, instance, {"code": "A3", "title": "Sosyal"})
    second = plan_versions.freeze(instance, coordinator, "draft_review")
    db.session.commit()
    assert [v.number for v in plan_versions.versions(instance)] == [2, 1]
    assert first.snapshot != second.snapshot
    diff = plan_versions.diff(first.snapshot, second.snapshot)
    assert diff["added"] == [{"kind": "goal", "code": "A3"}, {"kind": "indicator", "code": "PG2.1.3"}]
    assert diff["removed"] == [{"kind": "indicator", "code": "PG2.1.2"}]
    changed = {(c["kind"], c["code"]): {f["field"]: (f["old"], f["new"]) for f in c["fields"]}
               for c in diff["changed"]}
    assert changed[("target", "H2.1")] == {"title": ("Hedef H2.1", "Yeni başlık")}
    assert changed[("indicator", "PG2.1.1")] == {"weight": (60, 50)}
    assert ("target", "H1.1") not in changed
    assert plan_versions.diff(second.snapshot, second.snapshot) == {"added": [], "removed": [], "changed": []}
    # a frozen version never changes afterwards
    plan_content.save_card(coordinator, instance, {"title": "Sonra"}, code="H1.1")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(PlanVersion, first.id).snapshot["targets"][0]["title"] == "Hedef H1.1"
    with pytest.raises(NotFound):
        plan_versions.version(instance, 3)


def test_the_diff_through_the_api(app, plan):
    from .test_api import check
    from .test_plan_api import client
    town, instance, units = plan
    coordinator = factories.person(town, "coordinator")
    plan_versions.freeze(instance, coordinator)
    plan_content.save_card(coordinator, instance, {"title": "Değişti"}, code="H1.1")
    plan_versions.freeze(instance, coordinator)
    reader = client(app, factories.person(town, "mayor"))
    body = check(reader.get(f"/instances/{instance.id}/plan/diff?from=1&to=2"), "get",
                 "/instances/{instance_id}/plan/diff", 200)
    assert body["changed"] == [{"kind": "target", "code": "H1.1",
                                "fields": [{"field": "title", "old": "Hedef H1.1", "new": "Değişti"}]}]
    check(reader.get(f"/instances/{instance.id}/plan/diff?from=1&to=x"), "get",
          "/instances/{instance_id}/plan/diff", 400)
    check(reader.get(f"/instances/{instance.id}/plan/diff?from=1&to=9"), "get",
          "/instances/{instance_id}/plan/diff", 404)
    version = check(reader.get(f"/instances/{instance.id}/plan/versions/2"), "get",
                    "/instances/{instance_id}/plan/versions/{number}", 200)
    assert version["snapshot"]["targets"][0]["title"] == "Değişti"
