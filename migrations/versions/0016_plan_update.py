"""plan updates (güncelleme): versions labelled with their kind and council decision

- plan_version.kind: "update" for a version frozen by a plan update's council decision, NULL for
  the versions of the preparation (the board's adoption of the draft); existing rows NULL;
- plan_version.decision_date / decision_number / reason / update_instance_id: the council's
  decision on the update, the reason it was opened and the plan_update instance that froze it;
- process_instance.plan_instance_id: the adopted plan a yearly process works on (set for plan
  updates), indexed; existing rows NULL;
- process_instance.plan_first_year of the strategic-plan instances that have none yet is pinned to
  their municipality's election year + 1 (what it meant until now), so that a new election — a
  renewal — does not move the years of a plan in force. Left as it is on the way down.

Plain ADD COLUMN / DROP COLUMN (no batch copy on SQLite, see 0012); ids without a foreign-key
constraint, which SQLite cannot add to an existing table.

Revision ID: 0016_plan_update
Revises: 0015_public_plan_page
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

revision = "0016_plan_update"
down_revision = "0015_public_plan_page"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("plan_version", sa.Column("kind", sa.String(10), nullable=True))
    op.add_column("plan_version", sa.Column("decision_date", sa.Date(), nullable=True))
    op.add_column("plan_version", sa.Column("decision_number", sa.String(50), nullable=True))
    op.add_column("plan_version", sa.Column("reason", sa.Text(), nullable=True))
    op.add_column("plan_version", sa.Column("update_instance_id", sa.Integer(), nullable=True))
    op.add_column("process_instance", sa.Column("plan_instance_id", sa.Integer(), nullable=True))
    op.create_index("ix_process_instance_plan_instance_id", "process_instance", ["plan_instance_id"])
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT p.id, m.election_date FROM process_instance p JOIN municipality m ON m.id = p.municipality_id "
        "JOIN definition_version v ON v.id = p.version_id JOIN process_definition d ON d.id = v.definition_id "
        "WHERE p.plan_first_year IS NULL AND d.key = 'strategic_plan'")).all()
    for instance_id, election in rows:
        year = election.year if hasattr(election, "year") else int(str(election)[:4])
        conn.execute(sa.text("UPDATE process_instance SET plan_first_year = :y WHERE id = :i"),
                     {"y": year + 1, "i": instance_id})


def downgrade():
    op.drop_index("ix_process_instance_plan_instance_id", table_name="process_instance")
    op.drop_column("process_instance", "plan_instance_id")
    for name in ("update_instance_id", "reason", "decision_number", "decision_date", "kind"):
        op.drop_column("plan_version", name)
