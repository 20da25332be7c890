"""a daily digest instead of separate reminder mails

Revision ID: 0004_mail_digest
Revises: 0003_outbox
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004_mail_digest'
down_revision = '0003_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_digest', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('mail_digest')
