"""count failed sign-ins per address

Revision ID: 0002_login_attempt_address
Revises: 0001_initial_schema
"""
from alembic import op

revision = "0002_login_attempt_address"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_address", ["remote_addr", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_address")
