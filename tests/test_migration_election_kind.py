"""Migration 0012_election_kind on a database with data, on both databases: existing municipalities
become general elections and keep everything that refers to them (no table copy on SQLite, which
would cascade-delete it); down (a re-run's stamp changes) and up again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow.extensions import db

from .test_migration_account_security import _app

pytestmark = pytest.mark.database


def _count(conn, table: str) -> int:
    return conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


def test_up_down_and_up_again_keeps_the_data(tmp_path):
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0011_outbox_compose_later")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO municipality (id, name, province, type, population, election_date, "
                    "council_weekday, calendar_stamp, created_at) VALUES (1, 'M', 'İzmir', 'ilce', 1, '2024-03-31', "
                    "'tuesday', 'a', '2024-04-01'), (2, 'N', 'İstanbul', 'buyuksehir', 1, '2019-06-23', 'monday', "
                    "'b', '2019-06-24')"))
                conn.execute(sa.text("INSERT INTO municipality_settings (municipality_id, recess_month, due_rules, "
                                     "updated_at) VALUES (1, 7, '{}', '2024-04-01')"))
                conn.execute(sa.text("INSERT INTO spending_unit (id, municipality_id, name) VALUES (1, 1, 'Fen')"))
            upgrade()
            inspector = sa.inspect(db.engine)
            columns = {c["name"]: c for c in inspector.get_columns("municipality")}
            assert not columns["election_kind"]["nullable"] and columns["general_election_date"]["nullable"]
            with db.engine.begin() as conn:
                rows = conn.execute(sa.text("SELECT id, election_kind, general_election_date FROM municipality "
                                            "ORDER BY id")).all()
                assert [tuple(r) for r in rows] == [(1, "genel", None), (2, "genel", None)]
                assert (_count(conn, "municipality_settings"), _count(conn, "spending_unit")) == (1, 1)
                conn.execute(sa.text("UPDATE municipality SET election_kind = 'yenileme', "
                                     "general_election_date = '2019-03-31' WHERE id = 2"))
                conn.execute(sa.text(
                    "INSERT INTO municipality (id, name, province, type, population, election_date, "
                    "council_weekday, calendar_stamp, created_at) VALUES (3, 'K', 'Van', 'il', 1, '2024-03-31', "
                    "'tuesday', 'c', '2024-04-01')"))
                assert conn.execute(sa.text("SELECT election_kind FROM municipality WHERE id = 3")).scalar() \
                    == "genel"
            downgrade(revision="0011_outbox_compose_later")
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("municipality")}
            assert "election_kind" not in columns and "general_election_date" not in columns
            with db.engine.connect() as conn:
                assert (_count(conn, "municipality"), _count(conn, "municipality_settings"),
                        _count(conn, "spending_unit")) == (3, 1, 1)
                stamps = dict(conn.execute(sa.text("SELECT id, calendar_stamp FROM municipality")).all())
                assert stamps[1] == "a" and stamps[3] == "c" and stamps[2] != "b"  # the re-run's dates move
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM municipality WHERE election_kind = 'genel'")) \
                    .scalar() == 3
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
