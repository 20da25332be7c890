"""account security: a session generation per user (ending every web session at once)

Revision ID: 0008_account_security
Revises: 0007_remind_on
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_account_security"
down_revision = "0007_remind_on"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
