"""reminders planned as "what to say": their text is composed when they are sent

- outbox_message.compose (JSON): the reminder day, the moment of planning and the step's legal
  basis, for rows the sweep planned (services/mail_content.py);
- subject, text_body and html_body may be empty until then.

No table refers to outbox_message, so its batch copy on SQLite loses nothing.

Revision ID: 0011_outbox_compose_later
Revises: 0009_unit_of_work
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

revision = "0011_outbox_compose_later"
down_revision = "0009_unit_of_work"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("compose", sa.JSON(), nullable=True))
        batch_op.alter_column("subject", existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=True)


def downgrade():
    # Rows still waiting to be composed cannot go back: they get a placeholder text and go out as is.
    op.execute("UPDATE outbox_message SET subject = 'stratflow', text_body = '', html_body = '' "
               "WHERE subject IS NULL")
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.alter_column("html_body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("subject", existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column("compose")
