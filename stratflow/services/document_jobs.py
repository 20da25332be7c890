"""Rendering the official documents, outside any transition.

A transition (or a template change) writes a DocumentJob row: "this instance's documents may be
due". The scheduler (`run_due`) claims each row with a lease, gathers the instance's process data,
and makes a new DocumentVersion of every kind whose inputs changed (a hash of them; the same
inputs give no new version). A municipality's own template renders in a separate, limited process
(documents/isolated_render.py); the shipped defaults render here. A kind that fails to render is a
`document.failed` incident, never a failed step. While a row exists the pages say the documents
are being prepared.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

from flask import current_app

from .. import documents as docs
from ..documents import kinds as kinds_mod
from ..documents.isolated_render import render_isolated
from ..documents.render import TemplateProblem, render
from ..documents.spreadsheet import team_workbook
from ..extensions import db
from ..i18n import tr_sort_key
from ..models import (
    DocumentJob,
    DocumentSource,
    DocumentTemplate,
    DocumentVersion,
    ProcessInstance,
    RoleAssignment,
    User,
)
from ..models.base import utcnow
from . import audit, deadlines, plan_content, transition, versions
from .context import context_of

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BATCH = 20
_default_hashes: dict[str, str] = {}


def request_for_municipality(municipality_id: int, actor) -> int:
    """Documents of the municipality's open instances are due again (a template changed)."""
    ids = db.session.execute(db.select(ProcessInstance.id).where(
        ProcessInstance.municipality_id == municipality_id,
        ProcessInstance.status.in_(transition.ACTIVE))).scalars().all()
    for instance_id in ids:
        transition.request_documents(instance_id, municipality_id, actor)
    return len(ids)


def pending(instance_id: int) -> bool:
    """Whether the instance's documents are being prepared."""
    return db.session.execute(db.select(DocumentJob.instance_id)
                              .where(DocumentJob.instance_id == instance_id)).first() is not None


# -- the scheduler's job -----------------------------------------------------------------------------

def run_due(now: datetime | None = None, limit: int = BATCH) -> dict:
    """Render the documents of up to `limit` instances whose job is due. Each instance is its own
    transaction; one broken instance never stops the others."""
    now = now or utcnow()
    rows = db.session.execute(
        db.select(DocumentJob.instance_id, DocumentJob.requested_at)
        .where(db.or_(DocumentJob.lease_until.is_(None), DocumentJob.lease_until < now))
        .order_by(DocumentJob.requested_at).limit(limit)).all()
    db.session.commit()
    made = failed = 0
    for instance_id, requested_at in rows:
        if not _claim(instance_id, now):
            continue
        try:
            made += _render_job(instance_id, requested_at)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 — recorded; retried later with a longer lease
            db.session.rollback()
            failed += 1
            log.exception("documents of instance %s", instance_id)
            _give_back(instance_id, now, str(exc))
            db.session.commit()
    return {"documents_made": made, "documents_failed": failed}


def _claim(instance_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        db.update(DocumentJob)
        .where(DocumentJob.instance_id == instance_id,
               db.or_(DocumentJob.lease_until.is_(None), DocumentJob.lease_until < now))
        .values(lease_until=now + LEASE, attempts=DocumentJob.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _give_back(instance_id: int, now: datetime, error: str) -> None:
    job = db.session.get(DocumentJob, instance_id)
    if job is None:
        return
    if job.attempts >= MAX_ATTEMPTS:
        audit.record("document.failed", None, municipality_id=job.municipality_id, instance_id=instance_id,
                     error=error[:500])
        db.session.delete(job)
        return
    job.last_error = error[:500]
    job.lease_until = now + LEASE * (2 ** job.attempts)


def _render_job(instance_id: int, requested_at: datetime) -> int:
    job = db.session.get(DocumentJob, instance_id)
    instance = db.session.get(ProcessInstance, instance_id)
    if job is None or instance is None:
        return 0
    made = 0
    if instance.status in (*transition.ACTIVE, "completed"):
        actor = db.session.get(User, job.actor_id) if job.actor_id else None
        made = len(refresh(instance, actor, gather(instance), step=job.step))
    # Done, unless a transition asked again meanwhile (then the next poll looks again).
    db.session.execute(db.delete(DocumentJob).where(DocumentJob.instance_id == instance_id,
                                                    DocumentJob.requested_at == requested_at))
    return made


def gather(instance) -> dict:
    """The process data the documents are built from: what was gathered before, updated with the
    data of every task of the engine state (finished parallel branches included)."""
    source = db.session.get(DocumentSource, instance.id)
    data = dict(source.data) if source else {}
    if instance.status != "terminated":
        data.update(versions.read_workflow(instance).merged_data())
    data = json.loads(json.dumps(data, default=str))
    if source is None:
        db.session.add(DocumentSource(instance_id=instance.id, data=data))
    elif data != source.data:
        source.data, source.updated_at = data, utcnow()
    return data


def source_data(instance) -> dict:
    source = db.session.get(DocumentSource, instance.id)
    return dict(source.data) if source else {}


def refresh(instance, actor, data: dict, step: str | None = None) -> list[DocumentVersion]:
    """New versions for the kinds whose inputs changed; a kind that fails to render is an incident."""
    due = kinds_mod.due(data)
    if not due:
        return []
    latest = _latest(instance.id)
    templates = _active_templates(instance.municipality_id)
    facts = _facts(context_of(instance), data)
    made = []
    for kind in due:
        template = templates.get(kind.key)
        inputs = _inputs(kind.key, facts, template)
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
        number, last_hash = latest.get(kind.key, (0, None))
        if digest == last_hash:
            continue
        try:
            content, xlsx = _render(kind, template, facts)
        except Exception as exc:  # noqa: BLE001 — a broken template is an incident, not a failed step
            audit.record("document.failed", actor, municipality_id=instance.municipality_id,
                         instance_id=instance.id, kind=kind.key, error=str(getattr(exc, "reason", "")
                                                                           or exc)[:500])
            continue
        version = DocumentVersion(
            instance_id=instance.id, municipality_id=instance.municipality_id, kind=kind.key, version=number + 1,
            input_hash=digest, template_id=template.id if template else None, step=step, docx=content,
            xlsx=xlsx, has_xlsx=xlsx is not None, created_by_id=getattr(actor, "id", None))
        db.session.add(version)
        made.append(version)
        audit.record("document.generated", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id, kind=kind.key, version=number + 1)
    if made:
        db.session.flush()  # a clash of version numbers fails the job: it is retried later
    return made


def _render(kind, template, facts: dict) -> tuple[bytes, bytes | None]:
    context = docs.build(kind.key, facts)
    if template is None:
        content = render(docs.default_template(kind.key), context)
    else:  # user content: only ever in the limited child process
        try:
            content = render_isolated(template.content, context,
                                      seconds=current_app.config.get("DOCUMENT_TEMPLATE_CHECK_SECONDS", 10))
        except TemplateProblem as problem:
            raise RuntimeError(f"{problem.reason}: {problem.detail}"[:500]) from problem
    return content, team_workbook(context) if kind.xlsx else None


def _latest(instance_id: int) -> dict[str, tuple[int, str]]:
    rows = db.session.execute(
        db.select(DocumentVersion.kind, DocumentVersion.version, DocumentVersion.input_hash)
        .where(DocumentVersion.instance_id == instance_id)
        .order_by(DocumentVersion.kind, DocumentVersion.version)).all()
    return {kind: (version, digest) for kind, version, digest in rows}


def _active_templates(municipality_id: int) -> dict[str, DocumentTemplate]:
    rows = db.session.execute(db.select(DocumentTemplate).where(
        DocumentTemplate.municipality_id == municipality_id, DocumentTemplate.active.is_(True))).scalars()
    return {t.kind: t for t in rows}


def _default_hash(kind: str) -> str:
    if kind not in _default_hashes:
        _default_hashes[kind] = hashlib.sha256(docs.default_template(kind)).hexdigest()
    return _default_hashes[kind]


def _inputs(kind: str, facts: dict, template) -> dict:
    data = facts["data"]
    inputs = {key: value for key, value in facts.items() if key not in ("data", "today", "milestones")}
    inputs["data"] = {key: data.get(key) for key in (*docs.USES[kind], *docs.context.COMMON_USES)}
    inputs["template"] = template.sha256 if template else "default:" + _default_hash(kind)
    if kind in ("circular", "program"):
        inputs["milestones"] = facts["milestones"]
    return inputs


def _facts(ctx, data: dict) -> dict:
    municipality, cal = ctx.municipality, ctx.calendar
    sched = cal.schedule
    return {
        "municipality": {"name": municipality.name, "province": municipality.province, "type": municipality.type,
                         "population": municipality.population,
                         "election_date": municipality.election_date.isoformat(),
                         "mazbata_date": municipality.mazbata_date.isoformat() if municipality.mazbata_date else None},
        **_people(municipality.id),
        "units": sorted((name for _id, name in cal.units), key=tr_sort_key),
        "data": data,
        "legal_deadline": sched.legal_deadline.isoformat(),
        "target_meeting": deadlines.anchor_value(ctx, "target_council_meeting", data).isoformat(),
        "milestones": _milestones(ctx, data),
        "today": (datetime.now(UTC) + timedelta(hours=3)).date(),
        # the plan's cards as records, once there are any (the plan book's strategy chapters)
        "plan": plan_content.snapshot(ctx.instance) if plan_content.goals(ctx.instance) else None,
    }


def _people(municipality_id: int) -> dict:
    rows = db.session.execute(
        db.select(RoleAssignment.role, User.full_name, User.title).join(User, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.municipality_id == municipality_id, User.active.is_(True),
               RoleAssignment.role.in_(("mayor", "coordinator", "council_clerk")))
        .order_by(RoleAssignment.id)).all()
    found: dict = {}
    for role, name, title in rows:
        key = {"mayor": "mayor", "coordinator": "coordinator", "council_clerk": "clerk"}[role]
        found.setdefault(key, {"full_name": name, "title": title or ""})
    return found


def _milestones(ctx, data: dict) -> list[dict]:
    """The timetable the model declares: each row's target date from its step's rule (the
    municipality's phase target, else the model's), evaluated on the instance's anchors."""
    facts = ctx.version.facts
    rows = []
    for label, step in ctx.version.meaning.timetable:
        due = deadlines.step_due_date(ctx, step, data)
        rows.append({"phase": label, "step": step, "due": due.isoformat() if due else None,
                     "owner": (facts.get(step) or {}).get("lane") or ""})
    return rows
