"""Migration 0015_public_plan_page on a database with data, on both databases: existing settings rows
keep their values, become "not public" and start monitoring periods automatically; down and up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import migrating

pytestmark = pytest.mark.database


def test_up_down_and_up_again_keeps_the_settings(tmp_path):
    with migrating(tmp_path):
        upgrade(revision="0014_attachments")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO municipality (id, name, province, type, population, election_date, "
                "council_weekday, calendar_stamp, created_at, election_kind) VALUES (1, 'M', 'İzmir', 'ilce', "
                "1, '2024-03-31', 'tuesday', 'a', '2024-04-01', 'genel')"))
            conn.execute(sa.text("INSERT INTO municipality_settings (municipality_id, recess_month, due_rules, "
                                 "updated_at) VALUES (1, 7, '{}', '2024-04-01')"))
        upgrade()
        columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns("municipality_settings")}
        assert not columns["public_plan_page"]["nullable"]
        with db.engine.begin() as conn:
            row = conn.execute(sa.text("SELECT recess_month, public_plan_page, monitoring_autostart "
                                       "FROM municipality_settings")).one()
            assert (row[0], bool(row[1]), bool(row[2])) == (7, False, True)
            conn.execute(sa.text("UPDATE municipality_settings SET public_plan_page = :t"), {"t": True})
        downgrade(revision="0014_attachments")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("municipality_settings")}
        assert "public_plan_page" not in columns and "monitoring_autostart" not in columns
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT recess_month FROM municipality_settings")).scalar() == 7
        upgrade()
        with db.engine.connect() as conn:
            assert not conn.execute(sa.text("SELECT public_plan_page FROM municipality_settings")).scalar()
