"""a municipality's opt-in public plan page, and the automatic start of monitoring periods

- municipality_settings.public_plan_page: when true, the adopted plan's targets and their
  realisation are shown read-only, without signing in; existing rows false;
- municipality_settings.monitoring_autostart: when true (the default, existing rows too), the
  scheduler starts each half-year's monitoring period of the plan in force once the half has ended.

Plain ADD COLUMN / DROP COLUMN (no batch copy on SQLite, see 0012).

Revision ID: 0015_public_plan_page
Revises: 0014_attachments
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

revision = "0015_public_plan_page"
down_revision = "0014_attachments"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("municipality_settings", sa.Column("public_plan_page", sa.Boolean(), nullable=False,
                                                     server_default=sa.false()))
    op.add_column("municipality_settings", sa.Column("monitoring_autostart", sa.Boolean(), nullable=False,
                                                     server_default=sa.true()))


def downgrade():
    op.drop_column("municipality_settings", "monitoring_autostart")
    op.drop_column("municipality_settings", "public_plan_page")
