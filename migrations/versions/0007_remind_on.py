"""the next reminder day of each task, so that the reminder sweep reads only the tasks whose day came

Revision ID: 0007_remind_on
Revises: 0006_documents
Create Date: 2026-11-25

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_remind_on'
down_revision = '0006_documents'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_task_remind_on', ['state', 'remind_on'], unique=False)


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_remind_on')
        batch_op.drop_column('remind_on')
