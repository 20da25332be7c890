"""The plan itself as data (issue 14): goals → targets (target cards) → indicators, activities and
projects with their costs, and frozen versions of all of them. Per process instance; the
municipality is kept on every row for scoping (services/plan_access.py)."""

from ..extensions import db
from .base import utcnow

PLAN_YEARS = 5                       # the plan period: 5 years from 1 January after the election year
DIRECTIONS = ("increase", "decrease")
FREQUENCIES = ("six_monthly", "yearly")
ACTIVITY_KINDS = ("activity", "project")
MONEY = db.Numeric(18, 2)
AMOUNT = db.Numeric(18, 4)

plan_target_cooperating_unit = db.Table(
    "plan_target_cooperating_unit",
    db.Column("target_id", db.ForeignKey("plan_target.id", ondelete="CASCADE"), primary_key=True),
    db.Column("unit_id", db.ForeignKey("spending_unit.id", ondelete="CASCADE"), primary_key=True),
)


class PlanGoal(db.Model):
    __table_args__ = (db.UniqueConstraint("instance_id", "code", name="uq_plan_goal_code"),)
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    code = db.Column(db.String(10), nullable=False)             # "A1"
    title = db.Column(db.String(500), nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    targets = db.relationship("PlanTarget", back_populates="goal", order_by="PlanTarget.code")


class PlanTarget(db.Model):
    """A target card (hedef kartı)."""
    __table_args__ = (db.UniqueConstraint("instance_id", "code", name="uq_plan_target_code"),)
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    goal_id = db.Column(db.ForeignKey("plan_goal.id", ondelete="CASCADE"), nullable=False, index=True)
    code = db.Column(db.String(12), nullable=False)             # "H1.1"
    title = db.Column(db.String(500), nullable=False)
    # exactly one responsible unit; NULL only for a card seeded from a draft naming no known unit
    responsible_unit_id = db.Column(db.ForeignKey("spending_unit.id"), nullable=True, index=True)
    findings = db.Column(db.JSON, nullable=False, default=list)    # tespitler (texts)
    needs = db.Column(db.JSON, nullable=False, default=list)       # ihtiyaçlar
    strategies = db.Column(db.JSON, nullable=False, default=list)  # stratejiler
    # [{"risk": text, "likelihood": 1–5, "impact": 1–5, "control": text}]
    risks = db.Column(db.JSON, nullable=False, default=list)
    revision = db.Column(db.Integer, nullable=False, default=1)    # bumped by every save of the card
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)

    goal = db.relationship("PlanGoal", back_populates="targets")
    responsible_unit = db.relationship("SpendingUnit")
    cooperating_units = db.relationship("SpendingUnit", secondary=plan_target_cooperating_unit,
                                        order_by="SpendingUnit.name")
    indicators = db.relationship("PlanIndicator", back_populates="target", order_by="PlanIndicator.position",
                                 cascade="all, delete-orphan")
    activities = db.relationship("PlanActivity", back_populates="target", order_by="PlanActivity.position",
                                 cascade="all, delete-orphan")


class PlanIndicator(db.Model):
    """A performance indicator of a target; `values` holds one value per plan year (value_1 … value_5)."""
    __table_args__ = (db.UniqueConstraint("instance_id", "code", name="uq_plan_indicator_code"),)
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    target_id = db.Column(db.ForeignKey("plan_target.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    code = db.Column(db.String(16), nullable=False)             # "PG1.1.1"
    name = db.Column(db.String(500), nullable=False)
    unit_of_measure = db.Column(db.String(100), nullable=True)
    definition = db.Column(db.Text, nullable=True)              # definition / formula
    data_source = db.Column(db.String(500), nullable=True)
    direction = db.Column(db.String(10), nullable=False, default="increase")
    weight = db.Column(db.Numeric(5, 2), nullable=False)        # hedefe etkisi (%)
    baseline = db.Column(AMOUNT, nullable=True)
    value_1 = db.Column(AMOUNT, nullable=True)
    value_2 = db.Column(AMOUNT, nullable=True)
    value_3 = db.Column(AMOUNT, nullable=True)
    value_4 = db.Column(AMOUNT, nullable=True)
    value_5 = db.Column(AMOUNT, nullable=True)
    monitoring = db.Column(db.String(12), nullable=True)        # six_monthly / yearly
    reporting = db.Column(db.String(12), nullable=True)
    key_indicator = db.Column(db.Boolean, nullable=False, default=False)  # temel performans göstergesi (TPG)

    target = db.relationship("PlanTarget", back_populates="indicators")


class PlanActivity(db.Model):
    """An activity or project of a target with its cost per plan year (TL)."""
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    target_id = db.Column(db.ForeignKey("plan_target.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    kind = db.Column(db.String(10), nullable=False, default="activity")
    name = db.Column(db.String(500), nullable=False)
    cost_1 = db.Column(MONEY, nullable=False, default=0)
    cost_2 = db.Column(MONEY, nullable=False, default=0)
    cost_3 = db.Column(MONEY, nullable=False, default=0)
    cost_4 = db.Column(MONEY, nullable=False, default=0)
    cost_5 = db.Column(MONEY, nullable=False, default=0)
    funding_source = db.Column(db.String(200), nullable=True)

    target = db.relationship("PlanTarget", back_populates="activities")


class PlanVersion(db.Model):
    """A frozen version of all cards of an instance (a JSON snapshot); every version is kept."""
    __table_args__ = (db.UniqueConstraint("instance_id", "number", name="uq_plan_version_number"),)
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    step = db.Column(db.String(100), nullable=True)             # the BPMN step whose completion froze it
    snapshot = db.Column(db.JSON, nullable=False)
    # "update": frozen by a plan update's council decision (services/plan_update.py); None: the
    # preparation's (the board's adoption of the draft)
    kind = db.Column(db.String(10), nullable=True)
    decision_date = db.Column(db.Date, nullable=True)
    decision_number = db.Column(db.String(50), nullable=True)
    reason = db.Column(db.Text, nullable=True)
    update_instance_id = db.Column(db.Integer, nullable=True)    # the plan_update instance

    created_by = db.relationship("User")
