"""Small helpers shared by tests (no fixtures here: those live in conftest.py)."""

from __future__ import annotations

from stratflow.extensions import db


def render_documents() -> dict:
    """What the scheduler does between transitions: render the documents that are due."""
    from stratflow.services import document_jobs

    db.session.commit()
    result = document_jobs.run_due()
    db.session.commit()
    return result


def holder(record):
    """Someone who may complete the task: its assignee, else an active holder of its role (for its
    unit), else an administrator — the service refuses anyone else."""
    from stratflow.models import RoleAssignment, User
    from stratflow.services import access

    candidates = db.session.execute(
        db.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.active.is_(True), db.or_(RoleAssignment.municipality_id == record.municipality_id,
                                             RoleAssignment.role == "admin"))
        .order_by(User.id)).unique().scalars()
    found = next((u for u in candidates if access.may_act_on(u, record)), None)
    assert found is not None, f"nobody may act on {record.bpmn_id}"
    return found


def complete(record, data: dict):
    """Complete the task as someone who may (see `holder`)."""
    from stratflow.services import tasks

    return tasks.complete(record.id, holder(record), data)
