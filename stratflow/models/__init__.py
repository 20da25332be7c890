"""ORM models, one module per aggregate."""

from .audit import AuditEvent
from .auth import ApiToken, LoginAttempt
from .definition import DefinitionVersion, ProcessDefinition
from .instance import ProcessInstance
from .org import Municipality, RoleAssignment, SpendingUnit, User
from .task import TaskRecord

__all__ = [
    "ApiToken", "AuditEvent", "DefinitionVersion", "LoginAttempt", "Municipality",
    "ProcessDefinition", "ProcessInstance", "RoleAssignment", "SpendingUnit", "TaskRecord", "User",
]
