"""files attached to task forms

- attachment: one uploaded file of a task's file field (draft plan, survey results, meeting
  minutes), its bytes in the database (LargeBinary: bytea on PostgreSQL, BLOB on SQLite), its
  kind as found in the content, its cleaned name, size and SHA-256, who uploaded it and when.

Self-contained: a new table referring to existing ones only (process_instance, municipality,
task, user); down drops it with its rows (task data then still holds the references, which the
forms show as missing files).

Revision ID: 0014_attachments
Revises: 0013_plan_content
Create Date: 2026-12-04

"""
import sqlalchemy as sa
from alembic import op

revision = "0014_attachments"
down_revision = "0013_plan_content"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"],
                                name=op.f("fk_attachment_instance_id_process_instance"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"],
                                name=op.f("fk_attachment_municipality_id_municipality"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_attachment_task_id_task"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_attachment_uploaded_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index(op.f("ix_attachment_instance_id"), "attachment", ["instance_id"], unique=False)
    op.create_index(op.f("ix_attachment_task_id"), "attachment", ["task_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_attachment_task_id"), table_name="attachment")
    op.drop_index(op.f("ix_attachment_instance_id"), table_name="attachment")
    op.drop_table("attachment")
