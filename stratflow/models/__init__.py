"""ORM models, one module per aggregate."""

from .audit import AuditEvent
from .auth import ApiToken, LoginAttempt
from .definition import DefinitionVersion, ProcessDefinition
from .instance import ProcessInstance
from .org import Municipality, RoleAssignment, SpendingUnit, User
from .outbox import OutboxMessage
from .task import TaskRecord

__all__ = [
    "ApiToken", "AuditEvent", "DefinitionVersion", "LoginAttempt", "Municipality",
    "OutboxMessage", "ProcessDefinition", "ProcessInstance", "RoleAssignment", "SpendingUnit", "TaskRecord", "User",
]
