"""one unit of work per transition: calendar stamps, recorded anchors, the documents queue, and the
model's meaning declared in the stored strategic-plan specs

- municipality.calendar_stamp: a new random value whenever the municipality's calendar data
  changes (a cache key for transitions);
- process_instance.anchors: the date anchors transitions record (process-data dates, circular_date),
  filled here from each instance's stored engine state and its task records;
- document_job: "documents due" rows the scheduler renders;
- every stored version of the strategic_plan process gets the extension properties the shipped
  model now declares (phases, timetable, documents, unit matrix, countdown stop, circular_date):
  they were hard-coded in the application before. A frozen copy of tools/process_meaning.py.

Revision ID: 0009_unit_of_work
Revises: 0008_account_security
Create Date: 2026-12-02

"""
import json
import uuid
from datetime import UTC, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0009_unit_of_work"
down_revision = "0008_account_security"
branch_labels = None
depends_on = None

PROCESS_ANCHORS = ("nomination_deadline", "kickoff_date", "analysis_deadline", "review_deadline", "council_meeting_date",
                   "council_decision_date")
COMPLETED, READY = 64, 16
TURKEY = timedelta(hours=3)
MEANING = {'voluntary_decision': {'phase': 'circular', 'phaseOptional': 'yes'},
 'circular_draft': {'phase': 'circular', 'documents': 'circular'},
 'circular_approval': {'phase': 'circular',
                       'phaseMilestone': '1:Genelge',
                       'timetable': '1:Genelgenin yayımlanması',
                       'documents': 'circular',
                       'completionAnchor': 'circular_date',
                       'completionAnchorWhen': 'circular_decision=approve'},
 'board_composition': {'phase': 'organisation', 'documents': 'board_approval'},
 'board_composition_metro': {'phase': 'organisation',
                             'phaseStep': 'board_composition',
                             'documents': 'board_approval'},
 'board_approval': {'phase': 'organisation',
                    'timetable': '2:Strateji Geliştirme Kurulunun oluşturulması',
                    'documents': 'board_approval'},
 'team_nomination': {'phase': 'organisation',
                     'timetable': '3:Harcama birimlerinin ekip üyelerini bildirmesi',
                     'unitMatrix': '1:Ekip üyesi bildirimi'},
 'nomination_escalation': {'phase': 'organisation', 'phaseOptional': 'yes'},
 'team_list': {'phase': 'organisation',
               'phaseMilestone': '2:Kurul ve ekip',
               'timetable': '4:Stratejik Planlama Ekibinin kesinleşmesi',
               'documents': 'team_list'},
 'program_draft': {'phase': 'program', 'documents': 'team_list,program'},
 'program_approval': {'phase': 'program',
                      'phaseMilestone': '3:Hazırlık programı',
                      'timetable': '5:Hazırlık programının onaylanması',
                      'documents': 'team_list,program'},
 'unit_analysis': {'phase': 'analysis', 'unitMatrix': '2:Durum analizi girdileri'},
 'plan_evaluation': {'phase': 'analysis'},
 'policy_analysis': {'phase': 'analysis'},
 'stakeholder_analysis': {'phase': 'analysis'},
 'environment_analysis': {'phase': 'analysis'},
 'findings_needs': {'phase': 'analysis'},
 'analysis_adoption': {'phase': 'analysis',
                       'phaseMilestone': '4:Durum analizi',
                       'timetable': '6:Durum analizi ve tespitler'},
 'future_draft': {'phase': 'future'},
 'future_adoption': {'phase': 'future',
                     'phaseMilestone': '5:Geleceğe bakış',
                     'timetable': '7:Misyon, vizyon ve temel değerler'},
 'strategy_draft': {'phase': 'strategy', 'timetable': '8:Amaç, hedef ve göstergeler'},
 'target_review': {'phase': 'strategy', 'unitMatrix': '3:Hedeflerin gözden geçirilmesi'},
 'monitoring_design': {'phase': 'strategy',
                       'phaseMilestone': '6:Strateji',
                       'timetable': '9:İzleme ve değerlendirme sistemi'},
 'plan_draft': {'phase': 'approval', 'documents': 'plan_skeleton'},
 'draft_review': {'phase': 'approval',
                  'timetable': '10:Plan taslağı ve Kurul incelemesi',
                  'documents': 'plan_skeleton'},
 'plan_approval': {'phase': 'approval',
                   'phaseMilestone': '7:Taslak ve onay',
                   'timetable': '11:Başkan onayı ve Meclise sunuş',
                   'documents': 'submission_letter,plan_skeleton'},
 'encumen_opinion': {'phase': 'council',
                     'timetable': '12:Encümen görüşü',
                     'documents': 'submission_letter,plan_skeleton'},
 'council_schedule': {'phase': 'council', 'documents': 'submission_letter,plan_skeleton'},
 'extraordinary_call': {'phase': 'council', 'phaseOptional': 'yes', 'documents': 'submission_letter'},
 'council_decision': {'phase': 'council',
                      'phaseMilestone': '8:Encümen ve meclis',
                      'timetable': '13:Meclis kararı',
                      'documents': 'submission_letter,plan_skeleton',
                      'countdownStop': 'yes'},
 'commission_report': {'phase': 'council', 'phaseOptional': 'yes', 'documents': 'submission_letter'},
 'governor_submission': {'phase': 'publication', 'documents': 'council_decision'},
 'plan_publication': {'phase': 'publication',
                      'phaseMilestone': '9:Valilik ve yayım',
                      'documents': 'council_decision'}}


def upgrade():
    # Plain ADD COLUMN, never a batch copy: on SQLite a batch recreates the table, and dropping the
    # old one would cascade to the rows that refer to it (templates, settings, tasks, audit …).
    op.add_column("municipality", sa.Column("calendar_stamp", sa.String(length=32), nullable=False,
                                            server_default=""))
    op.add_column("process_instance", sa.Column("anchors", sa.JSON(), nullable=False, server_default="{}"))
    op.create_table(
        "document_job",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("instance_id"),
    )
    with op.batch_alter_table("document_job") as batch_op:
        batch_op.create_index("ix_document_job_municipality_id", ["municipality_id"], unique=False)
    conn = op.get_bind()
    for (mid,) in conn.execute(sa.text("SELECT id FROM municipality")).all():
        conn.execute(sa.text("UPDATE municipality SET calendar_stamp = :s WHERE id = :id"),
                     {"s": uuid.uuid4().hex, "id": mid})
    _backfill_anchors(conn)
    _declare_meaning(conn)


def _merged_data(state_text):
    try:
        workflow = json.loads(state_text)["workflow"]
    except (ValueError, KeyError, TypeError):
        return {}
    tasks = list((workflow.get("tasks") or {}).values())
    merged = {}
    for task in sorted((t for t in tasks if t.get("state") == COMPLETED), key=lambda t: t.get("last_state_change") or 0):
        merged.update(task.get("data") or {})
    merged.update(workflow.get("data") or {})
    for task in tasks:
        if task.get("state") == READY:
            merged.update(task.get("data") or {})
    return merged


def _iso(value):
    return value[:10] if isinstance(value, str) and len(value) >= 10 and value[4] == "-" else None


def _backfill_anchors(conn):
    rows = conn.execute(sa.text("SELECT id, state FROM process_instance")).all()
    for instance_id, state in rows:
        data = _merged_data(state or "")
        anchors = {name: _iso(data.get(name)) for name in PROCESS_ANCHORS if _iso(data.get(name))}
        if data.get("circular_decision") == "approve":
            done = conn.execute(sa.text(
                "SELECT completed_at FROM task WHERE instance_id = :id AND bpmn_id = 'circular_approval' "
                "AND state = 'completed' ORDER BY completed_at DESC"), {"id": instance_id}).first()
            if done and done[0] is not None:
                moment = done[0] if not isinstance(done[0], str) else _parse(done[0])
                anchors["circular_date"] = (moment.replace(tzinfo=UTC) + TURKEY).date().isoformat()
        conn.execute(sa.text("UPDATE process_instance SET anchors = :a WHERE id = :id"),
                     {"a": json.dumps(anchors), "id": instance_id})


def _parse(text):
    from datetime import datetime
    return datetime.fromisoformat(text)


def _declare_meaning(conn):
    rows = conn.execute(sa.text(
        "SELECT v.id, v.spec_json FROM definition_version v JOIN process_definition d ON d.id = v.definition_id "
        "WHERE d.key = 'strategic_plan'")).all()
    for version_id, spec_text in rows:
        spec, changed = declare(json.loads(spec_text))
        if changed:
            conn.execute(sa.text("UPDATE definition_version SET spec_json = :s WHERE id = :id"),
                         {"s": json.dumps(spec), "id": version_id})


def declare(spec):
    """The stored spec with the meaning properties its user tasks lack; (spec, whether it changed)."""
    changed = False
    for task_spec in spec.get("spec", {}).get("task_specs", {}).values():
        wanted = MEANING.get(task_spec.get("bpmn_id"))
        if not wanted or task_spec.get("typename") not in ("UserTask", "ParallelMultiInstanceTask"):
            continue
        properties = task_spec.setdefault("extensions", {}).setdefault("properties", {})
        for key, value in wanted.items():
            if key not in properties:
                properties[key], changed = value, True
    return spec, changed


def downgrade():
    with op.batch_alter_table("document_job") as batch_op:
        batch_op.drop_index("ix_document_job_municipality_id")
    op.drop_table("document_job")
    op.drop_column("process_instance", "anchors")  # SQLite ≥ 3.35 drops a column in place
    op.drop_column("municipality", "calendar_stamp")
