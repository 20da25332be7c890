"""Migration 0014_attachments on both databases: up adds the table next to existing data (a task
whose file a row then holds, bytes and all), down drops it and nothing else, up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import _app

pytestmark = pytest.mark.database
BYTES = b"%PDF-1.7\n\x00\xff binary \x00\n%%EOF"


def _count(conn, table: str) -> int:
    return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


def _seed(conn) -> None:
    conn.execute(sa.text(
        "INSERT INTO municipality (id, name, province, type, population, election_date, council_weekday, "
        "calendar_stamp, created_at) VALUES (1, 'M', 'İzmir', 'ilce', 1, '2024-03-31', 'tuesday', 'a', '2024-04-01')"))
    conn.execute(sa.text("INSERT INTO \"user\" (id, email, full_name, locale, active, mail_digest, created_at) "
                         "VALUES (1, 'a@b.tr', 'A', 'tr', true, false, '2024-04-01')"))
    conn.execute(sa.text("INSERT INTO process_definition (id, key, name, created_at) "
                         "VALUES (1, 'p', 'P', '2024-04-01')"))
    conn.execute(sa.text(
        "INSERT INTO definition_version (id, definition_id, version, filename, content_hash, bpmn_xml, spec_json, "
        "forms, lane_roles, spec_schema, created_at) VALUES (1, 1, 1, 'p.bpmn', 'h', '<x/>', '{}', '{}', '{}', 1, "
        "'2024-04-01')"))
    conn.execute(sa.text(
        "INSERT INTO process_instance (id, municipality_id, version_id, title, status, state, state_schema, revision, "
        "anchors, started_at, updated_at) VALUES (1, 1, 1, 'T', 'running', '{}', 1, 1, '{}', '2024-04-01', "
        "'2024-04-01')"))
    conn.execute(sa.text(
        "INSERT INTO task (id, instance_id, municipality_id, bpmn_id, name, state, created_at) "
        "VALUES ('t1', 1, 1, 'plan_draft', 'Plan', 'open', '2024-04-01')"))


def test_up_down_and_up_again(tmp_path):
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0013_plan_content")
            with db.engine.begin() as conn:
                _seed(conn)
            upgrade(revision="0014_attachments")
            inspector = sa.inspect(db.engine)
            columns = {c["name"]: c for c in inspector.get_columns("attachment")}
            assert not columns["content"]["nullable"] and columns["uploaded_by_id"]["nullable"]
            assert {i["name"] for i in inspector.get_indexes("attachment")} >= {"ix_attachment_task_id",
                                                                               "ix_attachment_instance_id"}
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO attachment (instance_id, municipality_id, task_id, step, field, filename, kind, "
                    "size, sha256, content, uploaded_by_id, uploaded_at) VALUES (1, 1, 't1', 'plan_draft', "
                    "'plan_file', 'p.pdf', 'pdf', :size, :sha, :data, 1, '2024-04-02')"),
                    {"size": len(BYTES), "sha": "0" * 64, "data": BYTES})
                assert conn.execute(sa.text("SELECT content FROM attachment")).scalar() == BYTES
            with db.engine.begin() as conn:
                conn.execute(sa.text('DELETE FROM "user" WHERE id = 1'))  # the uploader may go: the file stays
                assert conn.execute(sa.text("SELECT uploaded_by_id FROM attachment")).scalar() is None
            downgrade(revision="0013_plan_content")
            assert "attachment" not in sa.inspect(db.engine).get_table_names()
            with db.engine.connect() as conn:
                assert [_count(conn, t) for t in ("municipality", "process_instance", "task")] == [1, 1, 1]
            upgrade(revision="0014_attachments")
            with db.engine.connect() as conn:
                assert _count(conn, "attachment") == 0
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
