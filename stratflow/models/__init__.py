"""ORM models, one module per aggregate."""

from . import stamps  # noqa: E402,F401  (calendar-stamp events)
from .attachment import Attachment
from .audit import AuditEvent
from .auth import ApiToken, LoginThrottle
from .definition import DefinitionVersion, ProcessDefinition
from .document import DocumentJob, DocumentSource, DocumentTemplate, DocumentVersion
from .instance import ProcessInstance
from .org import Municipality, RoleAssignment, SpendingUnit, User
from .outbox import OutboxMessage
from .plan import PlanActivity, PlanGoal, PlanIndicator, PlanTarget, PlanVersion
from .settings import CouncilMeetingDate, LeaveDay, MunicipalitySettings
from .task import TaskRecord

__all__ = [
    "Attachment",
    "DocumentJob", "DocumentSource", "DocumentTemplate", "DocumentVersion",
    "ApiToken", "AuditEvent", "CouncilMeetingDate", "DefinitionVersion", "LeaveDay", "LoginThrottle", "Municipality",
    "MunicipalitySettings",
    "OutboxMessage", "PlanActivity", "PlanGoal", "PlanIndicator", "PlanTarget", "PlanVersion",
    "ProcessDefinition", "ProcessInstance", "RoleAssignment", "SpendingUnit", "TaskRecord", "User",
]
