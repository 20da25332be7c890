"""the kind of a municipality's election and, for a re-run, the general election's date

- municipality.election_kind: genel (general), yenileme (re-run: the legal deadline of 5393 art. 41
  counts from the general election day) or ara (by-election); existing rows become genel;
- municipality.general_election_date (nullable): the general election a re-run continues.

Plain ADD COLUMN / DROP COLUMN, never a batch copy of the table: on SQLite a batch recreates the
table, and dropping the old one would cascade to every row that refers to a municipality
(settings, units, people, processes, tasks, audit …). SQLite ≥ 3.35 drops a column in place.

Revision ID: 0012_election_kind
Revises: 0011_outbox_compose_later
Create Date: 2026-12-04

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0012_election_kind"
down_revision = "0011_outbox_compose_later"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("municipality", sa.Column("election_kind", sa.String(length=10), nullable=False,
                                            server_default="genel"))
    op.add_column("municipality", sa.Column("general_election_date", sa.Date(), nullable=True))


def downgrade():
    # A re-run's deadline then counts from its own day again (the kind is lost): the calendar
    # stamps change so that no process keeps dates computed from the general election.
    conn = op.get_bind()
    rerun = conn.execute(sa.text("SELECT id FROM municipality WHERE election_kind = 'yenileme'")).scalars().all()
    for mid in rerun:
        conn.execute(sa.text("UPDATE municipality SET calendar_stamp = :s WHERE id = :id"),
                     {"s": uuid.uuid4().hex, "id": mid})
    op.drop_column("municipality", "general_election_date")
    op.drop_column("municipality", "election_kind")
