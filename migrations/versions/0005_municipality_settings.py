"""per-municipality settings: calendar, phase targets, reminder policy, council meetings, leave days

Revision ID: 0005_municipality_settings
Revises: 0004_mail_digest
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005_municipality_settings'
down_revision = '0004_mail_digest'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('municipality_settings',
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('recess_month', sa.Integer(), nullable=True),
    sa.Column('due_rules', sa.JSON(), nullable=False),
    sa.Column('reminder_before', sa.String(length=60), nullable=True),
    sa.Column('remind_on_due', sa.Boolean(), nullable=True),
    sa.Column('overdue_every', sa.Integer(), nullable=True),
    sa.Column('escalation_days', sa.String(length=60), nullable=True),
    sa.Column('countdown_days', sa.String(length=60), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_municipality_settings_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('municipality_id', name=op.f('pk_municipality_settings'))
    )
    op.create_table('leave_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_day')),
    sa.UniqueConstraint('day', name=op.f('uq_leave_day_day'))
    )
    op.create_table('council_meeting_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'],
                            name=op.f('fk_council_meeting_date_entered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_council_meeting_date_municipality_id_municipality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meeting_date')),
    sa.UniqueConstraint('municipality_id', 'month', name='uq_council_meeting_month')
    )
    with op.batch_alter_table('council_meeting_date', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meeting_date_municipality_id'), ['municipality_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('council_meeting_date', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meeting_date_municipality_id'))
    op.drop_table('council_meeting_date')
    op.drop_table('leave_day')
    op.drop_table('municipality_settings')
