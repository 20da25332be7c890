"""Compliance with 5393 art. 41, judged on submission: the mayor submits (sunar) the plan to the
council within six months of the election day. The date that counts is the submission date the
clerk records with the council meeting (the day the mayor's proposal went on the council's
agenda). Adoption is shown beside it, never judged against the deadline: the common path
"September meeting → Plan ve Bütçe Komisyonu → adopted in October" is compliant.

Pure: the states come from the recorded facts (the instance's date anchors, or process data) and
the legal deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

PENDING = "pending"            # not submitted yet, the deadline ahead
ON_TIME = "submitted_on_time"  # submitted on or before the legal deadline
LATE = "submitted_late"        # submitted after it (flagged, never blocked)
OVERDUE = "overdue"            # the deadline passed and the plan has not been submitted
STATES = (PENDING, ON_TIME, LATE, OVERDUE)

ADOPTING_OUTCOMES = ("adopted", "adopted_amended", "insisted")


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Compliance:
    state: str
    legal_deadline: date
    submitted_on: date | None = None
    adopted_on: date | None = None     # the council's adopting decision, when there is one
    finalised_on: date | None = None   # the day that decision became final (art. 23)

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None

    @property
    def late(self) -> bool:
        return self.state in (LATE, OVERDUE)

    @property
    def adopted_after_deadline(self) -> bool:
        """Shown as a fact (adoption after the deadline is normal after a referral), not a breach."""
        return self.adopted_on is not None and self.adopted_on > self.legal_deadline


def judge(facts: Mapping, legal_deadline: date, today: date, adopted: bool | None = None) -> Compliance:
    """`facts`: the recorded dates (submission_date, council_decision_date, finalised_on) and, when
    known, council_outcome; `adopted` says whether the plan was adopted when the outcome is not in
    `facts` (the overview knows it from the steps reached)."""
    submitted = _day(facts.get("submission_date"))
    if adopted is None:
        adopted = facts.get("council_outcome") in ADOPTING_OUTCOMES
    decided = _day(facts.get("council_decision_date")) if adopted else None
    if submitted is None and decided is not None:
        # An instance from before submission was recorded: it was before the council by its meeting.
        submitted = _day(facts.get("council_meeting_date")) or decided
    if submitted is not None:
        state = LATE if submitted > legal_deadline else ON_TIME
    else:
        state = OVERDUE if today > legal_deadline else PENDING
    return Compliance(state=state, legal_deadline=legal_deadline, submitted_on=submitted, adopted_on=decided,
                      finalised_on=_day(facts.get("finalised_on")) if adopted else None)
