"""Migration 0009_unit_of_work on a database with data, on both databases: nothing that refers to
a municipality or an instance is lost (a table copy on SQLite would cascade-delete it), anchors are
filled from the stored engine state and the task records, stamps are set; down and up again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import _app

STATE = {"schema": 1, "workflow": {"data": {"nomination_deadline": "2024-05-05"}, "tasks": {
    "a": {"state": 64, "last_state_change": 1.0, "data": {"circular_decision": "approve"}},
    "b": {"state": 16, "last_state_change": 2.0, "data": {"kickoff_date": "2024-05-20T00:00:00"}}}}}


pytestmark = pytest.mark.database


def _rows(conn, table: str) -> int:
    return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


def test_up_down_and_up_again_keeps_the_data(tmp_path):
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0008_account_security")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO municipality (id, name, province, type, population, election_date, "
                    "council_weekday, created_at) VALUES (1, 'M', 'İzmir', 'ilce', 1, '2024-03-31', 'tuesday', "
                    "'2024-04-01')"))
                conn.execute(sa.text("INSERT INTO municipality_settings (municipality_id, recess_month, due_rules, "
                                     "updated_at) VALUES (1, 7, '{}', '2024-04-01')"))
                conn.execute(sa.text("INSERT INTO process_definition (id, key, name, created_at) VALUES "
                                     "(1, 'strategic_plan', 'P', '2024-04-01')"))
                spec = {"schema": 1, "spec": {"task_specs": {"circular_approval": {
                    "bpmn_id": "circular_approval", "typename": "UserTask", "extensions": {"properties": {}}}}}}
                conn.execute(sa.text(
                    "INSERT INTO definition_version (id, definition_id, version, content_hash, filename, bpmn_xml, "
                    "forms, spec_json, lane_roles, spec_schema, created_at) VALUES (1, 1, 1, 'h', 'p.bpmn', '<x/>', "
                    "'{}', :spec, '{}', 1, '2024-04-01')"), {"spec": json.dumps(spec)})
                conn.execute(sa.text(
                    "INSERT INTO process_instance (id, version_id, municipality_id, title, status, state, "
                    "state_schema, revision, started_at, updated_at) VALUES (1, 1, 1, 'T', 'running', :state, 1, 1, "
                    "'2024-04-01', '2024-04-01')"), {"state": json.dumps(STATE)})
                conn.execute(sa.text(
                    "INSERT INTO task (id, instance_id, municipality_id, bpmn_id, name, state, created_at, "
                    "completed_at) VALUES ('t1', 1, 1, 'circular_approval', 'Onay', 'completed', "
                    "'2024-04-20 08:00:00', '2024-04-24 21:30:00')"))
            upgrade()
            with db.engine.connect() as conn:
                assert (_rows(conn, "municipality_settings"), _rows(conn, "task")) == (1, 1)
                anchors = conn.execute(sa.text("SELECT anchors FROM process_instance")).scalar()
                anchors = json.loads(anchors) if isinstance(anchors, str) else anchors
                # 21:30 UTC on 24 April is the 25th in Turkey
                assert anchors == {"nomination_deadline": "2024-05-05", "kickoff_date": "2024-05-20",
                                   "circular_date": "2024-04-25"}
                assert len(conn.execute(sa.text("SELECT calendar_stamp FROM municipality")).scalar()) == 32
                stored = json.loads(conn.execute(sa.text("SELECT spec_json FROM definition_version")).scalar())
                props = stored["spec"]["task_specs"]["circular_approval"]["extensions"]["properties"]
                assert props["phaseMilestone"] == "1:Genelge" and props["completionAnchor"] == "circular_date"
            downgrade(revision="0008_account_security")
            with db.engine.connect() as conn:
                assert (_rows(conn, "municipality_settings"), _rows(conn, "task"), _rows(conn, "process_instance")) \
                    == (1, 1, 1)
            upgrade()
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
