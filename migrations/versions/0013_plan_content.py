"""the plan itself as data: goals, target cards, indicators, activities and frozen versions

- plan_goal (A1 …), plan_target (H1.1 …: a target card with one responsible unit, its findings,
  needs, strategies and risks), plan_target_cooperating_unit, plan_indicator (PG1.1.1 …: weight,
  baseline and a value per plan year), plan_activity (activities and projects with a cost per plan
  year, TL), plan_version (every frozen version of all cards, a JSON snapshot);
- process_instance.plan_first_year (nullable): the first year of the plan period, from the process
  data's plan_period (plain ADD COLUMN: no batch copy of a table others refer to);
- every row per process instance (cascading with it).

Revision ID: 0013_plan_content
Revises: 0012_election_kind
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

revision = "0013_plan_content"
down_revision = "0012_election_kind"
branch_labels = None
depends_on = None

AMOUNT = sa.Numeric(18, 4)
MONEY = sa.Numeric(18, 2)


def _instance_column():
    return sa.Column("instance_id", sa.Integer(),
                     sa.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False)


def upgrade():
    op.add_column("process_instance", sa.Column("plan_first_year", sa.Integer(), nullable=True))
    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Integer(), primary_key=True),
        _instance_column(),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("instance_id", "code", name="uq_plan_goal_code"),
    )
    op.create_index("ix_plan_goal_instance_id", "plan_goal", ["instance_id"])
    op.create_index("ix_plan_goal_municipality_id", "plan_goal", ["municipality_id"])
    op.create_table(
        "plan_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        _instance_column(),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("goal_id", sa.Integer(), sa.ForeignKey("plan_goal.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("responsible_unit_id", sa.Integer(), sa.ForeignKey("spending_unit.id"), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("strategies", sa.JSON(), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.UniqueConstraint("instance_id", "code", name="uq_plan_target_code"),
    )
    for column in ("instance_id", "municipality_id", "goal_id", "responsible_unit_id"):
        op.create_index(f"ix_plan_target_{column}", "plan_target", [column])
    op.create_table(
        "plan_target_cooperating_unit",
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("plan_target.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("spending_unit.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_table(
        "plan_indicator",
        sa.Column("id", sa.Integer(), primary_key=True),
        _instance_column(),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("plan_target.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("unit_of_measure", sa.String(length=100), nullable=True),
        sa.Column("definition", sa.Text(), nullable=True),
        sa.Column("data_source", sa.String(length=500), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("weight", sa.Numeric(5, 2), nullable=False),
        sa.Column("baseline", AMOUNT, nullable=True),
        *[sa.Column(f"value_{n}", AMOUNT, nullable=True) for n in range(1, 6)],
        sa.Column("monitoring", sa.String(length=12), nullable=True),
        sa.Column("reporting", sa.String(length=12), nullable=True),
        sa.Column("key_indicator", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("instance_id", "code", name="uq_plan_indicator_code"),
    )
    op.create_index("ix_plan_indicator_instance_id", "plan_indicator", ["instance_id"])
    op.create_index("ix_plan_indicator_target_id", "plan_indicator", ["target_id"])
    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        _instance_column(),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("plan_target.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        *[sa.Column(f"cost_{n}", MONEY, nullable=False) for n in range(1, 6)],
        sa.Column("funding_source", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_plan_activity_instance_id", "plan_activity", ["instance_id"])
    op.create_index("ix_plan_activity_target_id", "plan_activity", ["target_id"])
    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        _instance_column(),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.UniqueConstraint("instance_id", "number", name="uq_plan_version_number"),
    )
    op.create_index("ix_plan_version_instance_id", "plan_version", ["instance_id"])
    op.create_index("ix_plan_version_municipality_id", "plan_version", ["municipality_id"])


def downgrade():
    for table in ("plan_version", "plan_activity", "plan_indicator", "plan_target_cooperating_unit",
                  "plan_target", "plan_goal"):
        op.drop_table(table)
    op.drop_column("process_instance", "plan_first_year")
