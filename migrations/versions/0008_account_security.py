"""account security: a session generation per user (ending every web session at once),
sign-in throttling by (e-mail, address) and address buckets instead of a row per failed attempt,
and stored upload names without control characters (a line break made their download fail)

Revision ID: 0008_account_security
Revises: 0007_remind_on
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008_account_security"
down_revision = "0007_remind_on"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("email", "remote_addr", name="uq_login_throttle_bucket"),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_address")
        batch_op.drop_index("ix_login_attempt_lookup")
    op.drop_table("login_attempt")  # recent failures are forgotten: at worst a few more guesses
    clean_stored_filenames(op.get_bind())


FILENAMES = (("document_template", "template.docx"), ("definition_version", "process.bpmn"))


def clean_stored_filenames(conn) -> None:
    """Names stored before uploads were cleaned: the last path part, no control or format
    characters (kept as they are in a downgrade: the clean names are valid there too)."""
    for table, default in FILENAMES:
        rows = conn.execute(sa.text(f"SELECT id, filename FROM {table}")).all()
        for row_id, name in rows:
            clean = _clean(name) or default
            if clean != name:
                conn.execute(sa.text(f"UPDATE {table} SET filename = :name WHERE id = :id"),
                             {"name": clean, "id": row_id})


def _clean(name: str | None) -> str:
    text = "".join(c for c in (name or "") if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(text.replace("\\", "/").rsplit("/", 1)[-1].split())[:255]


def downgrade():
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_lookup", ["email", "created_at"], unique=False)
        batch_op.create_index("ix_login_attempt_address", ["remote_addr", "created_at"], unique=False)
    op.drop_table("login_throttle")
    # In place (SQLite ≥ 3.35): a batch table copy of "user" would cascade-delete its role assignments.
    op.drop_column("user", "session_generation")
