"""Migration 0013_plan_content on both databases: up adds the plan's tables and the instance's
plan_first_year without touching existing rows; down removes them and keeps everything else;
up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import _app

pytestmark = pytest.mark.database
TABLES = {"plan_goal", "plan_target", "plan_target_cooperating_unit", "plan_indicator", "plan_activity",
          "plan_version"}


def test_up_down_and_up_again(tmp_path):
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0012_election_kind")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO municipality (id, name, province, type, population, election_date, "
                    "council_weekday, calendar_stamp, created_at, election_kind) VALUES (1, 'M', 'İzmir', 'ilce', 1, "
                    "'2024-03-31', 'tuesday', 'a', '2024-04-01', 'genel')"))
                conn.execute(sa.text("INSERT INTO spending_unit (id, municipality_id, name) VALUES (1, 1, 'Fen')"))
            upgrade()
            inspector = sa.inspect(db.engine)
            assert set(inspector.get_table_names()) >= TABLES
            assert {c["name"] for c in inspector.get_columns("process_instance")} >= {"plan_first_year"}
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO process_definition (id, key, name, created_at) VALUES (1, 'p', 'P', '2024-04-01')"))
                conn.execute(sa.text(
                    "INSERT INTO definition_version (id, definition_id, version, filename, bpmn_xml, spec_json, "
                    "content_hash, forms, lane_roles, spec_schema, created_at) VALUES (1, 1, 1, 'p.bpmn', '<x/>', "
                    "'{}', 'h', '{}', '{}', 1, '2024-04-01')"))
                conn.execute(sa.text(
                    "INSERT INTO process_instance (id, version_id, municipality_id, title, status, state, "
                    "state_schema, revision, anchors, started_at, updated_at) VALUES (1, 1, 1, 'T', 'running', '', "
                    "1, 1, '{}', '2024-04-01', '2024-04-01')"))
                conn.execute(sa.text("INSERT INTO plan_goal (id, instance_id, municipality_id, code, title, updated_at)"
                                     " VALUES (1, 1, 1, 'A1', 'Amaç', '2024-04-01')"))
                with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                    conn.execute(sa.text("INSERT INTO plan_goal (instance_id, municipality_id, code, title, "
                                         "updated_at) VALUES (1, 1, 'A1', 'İkinci', '2024-04-01')"))
            downgrade(revision="0012_election_kind")
            inspector = sa.inspect(db.engine)
            assert not TABLES & set(inspector.get_table_names())
            assert "plan_first_year" not in {c["name"] for c in inspector.get_columns("process_instance")}
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM process_instance")).scalar() == 1
                assert conn.execute(sa.text("SELECT count(*) FROM spending_unit")).scalar() == 1
            upgrade()
            assert set(sa.inspect(db.engine).get_table_names()) >= TABLES
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
