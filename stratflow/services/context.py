"""What is known of one instance without a query of its own: its row (with its municipality and
version), the version's facts and meaning (services/versions.py) and its municipality's calendar
(services/calendars.py). Transitions build it once at `begin`; pages build it for the instance they
show."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import ProcessInstance
from . import calendars, versions


@dataclass
class Context:
    instance: ProcessInstance
    version: versions.VersionInfo
    calendar: calendars.Calendar

    @property
    def municipality(self):
        return self.instance.municipality

    @property
    def schedule(self):
        return self.calendar.schedule


def context_of(instance: ProcessInstance) -> Context:
    """The context of an instance already loaded."""
    return Context(instance=instance, version=versions.info(instance.version),
                   calendar=calendars.of(instance.municipality))
