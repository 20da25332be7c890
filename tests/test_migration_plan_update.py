"""Migration 0016_plan_update on a database with data, on both databases: existing plan versions keep
their snapshot and have no kind (the preparation's), existing instances no plan, a strategic plan
without its first year gets its election's year + 1; down and up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import migrating

pytestmark = pytest.mark.database
NEW = {"kind", "decision_date", "decision_number", "reason", "update_instance_id"}


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_up_down_and_up_again_keeps_the_versions(tmp_path):
    with migrating(tmp_path):
        upgrade(revision="0015_public_plan_page")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO municipality (id, name, province, type, population, election_date, "
                "council_weekday, calendar_stamp, created_at, election_kind) VALUES (1, 'M', 'İzmir', 'ilce', "
                "1, '2024-03-31', 'tuesday', 'a', '2024-04-01', 'genel')"))
            conn.execute(sa.text(
                "INSERT INTO process_definition (id, key, name, created_at) VALUES (1, 'strategic_plan', 'SP', "
                "'2024-04-01')"))
            conn.execute(sa.text(
                "INSERT INTO definition_version (id, definition_id, version, filename, bpmn_xml, spec_json, "
                "content_hash, forms, lane_roles, spec_schema, created_at) VALUES (1, 1, 1, 'p.bpmn', '<x/>', "
                "'{}', 'h', '{}', '{}', 1, '2024-04-01')"))
            conn.execute(sa.text(
                "INSERT INTO process_instance (id, version_id, municipality_id, title, status, state, "
                "state_schema, revision, anchors, started_at, updated_at) VALUES (1, 1, 1, 'P', 'completed', "
                "'{}', 1, 1, '{}', '2024-04-01', '2024-04-01')"))
            conn.execute(sa.text(
                "INSERT INTO plan_version (id, instance_id, municipality_id, number, created_at, step, snapshot) "
                "VALUES (1, 1, 1, 1, '2024-09-01', 'draft_review', '{\"targets\": []}')"))
        upgrade()
        assert _columns("plan_version") >= NEW and "plan_instance_id" in _columns("process_instance")
        with db.engine.begin() as conn:
            row = conn.execute(sa.text("SELECT step, kind, decision_number FROM plan_version")).one()
            assert tuple(row) == ("draft_review", None, None)
            assert tuple(conn.execute(sa.text(
                "SELECT plan_instance_id, plan_first_year FROM process_instance")).one()) == (None, 2025)
            conn.execute(sa.text("UPDATE plan_version SET kind = 'update', decision_number = '2026/45', "
                                 "decision_date = '2026-10-06'"))
        downgrade(revision="0015_public_plan_page")
        assert not NEW & _columns("plan_version") and "plan_instance_id" not in _columns("process_instance")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT step FROM plan_version")).scalar() == "draft_review"
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT kind FROM plan_version")).scalar() is None
