"""The kind of a municipality's election and the day its legal deadline counts from.

- genel (general): the ordinary local general election — the deadline counts from its day.
- yenileme (re-run): an election the YSK ordered to be held again (e.g. İstanbul, 23 June 2019). The
  YSK treats it as the continuation of the general election, so the six months of 5393 art. 41
  count from the GENERAL election day, not from the re-run: the general election's date is
  required, must lie before the re-run and at most RERUN_MAX_MONTHS months before it.
- ara (by-election): a separate election (a new municipality, a council that was dissolved …):
  the deadline counts from its own day.

A re-run counted from its own day would give a deadline months too late, so it never happens
silently: `check` raises ElectionError (a code with parameters, rendered in Turkish or English
like the calendar's warnings; services give their own translated field messages) for a re-run
without a general election date or with one that cannot be its general election.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .legal import add_months
from .notices import format_day, short_locale

GENERAL, RERUN, BY_ELECTION = "genel", "yenileme", "ara"
ELECTION_KINDS = (GENERAL, RERUN, BY_ELECTION)
# A re-run more than this many months after its general election is refused as a typing error
# (re-runs are held within weeks or months). [config: not settled by a source; a keyword argument]
RERUN_MAX_MONTHS = 12

UNKNOWN_KIND = "unknown_election_kind"
RERUN_WITHOUT_GENERAL = "rerun_without_general_date"
GENERAL_NOT_BEFORE_RERUN = "general_date_not_before_rerun"
GENERAL_TOO_EARLY = "general_date_too_early"
GENERAL_DATE_NOT_FOR_KIND = "general_date_only_for_rerun"

TEXTS: dict[str, dict[str, str]] = {
    UNKNOWN_KIND: {
        "tr": "Seçim türü genel, yenileme ya da ara olmalıdır ({kind} değil).",
        "en": "The election kind must be genel (general), yenileme (re-run) or ara (by-election), not {kind}."},
    RERUN_WITHOUT_GENERAL: {
        "tr": "Yenileme seçiminde genel seçim tarihi girilmelidir: yasal süre (5393 md. 41) genel seçim "
              "gününden sayılır.",
        "en": "A re-run election needs the general election's date: the legal deadline (law 5393 art. 41) "
              "counts from the general election day."},
    GENERAL_NOT_BEFORE_RERUN: {
        "tr": "Genel seçim tarihi ({general}) yenileme seçiminden ({election}) önce olmalıdır.",
        "en": "The general election's date ({general}) must be before the re-run election ({election})."},
    GENERAL_TOO_EARLY: {
        "tr": "Genel seçim tarihi ({general}) yenileme seçiminden ({election}) {months} aydan daha önce olamaz; "
              "tarihi denetleyin.",
        "en": "The general election's date ({general}) cannot be more than {months} months before the re-run "
              "election ({election}); check the date."},
    GENERAL_DATE_NOT_FOR_KIND: {
        "tr": "Genel seçim tarihi yalnızca yenileme seçiminde girilir; genel seçimde ve ara seçimde yasal süre "
              "seçim gününden sayılır.",
        "en": "The general election's date is entered for a re-run election only; for a general election or a "
              "by-election the legal deadline counts from the election day."},
}
KIND_LABELS = {"tr": {GENERAL: "genel seçim", RERUN: "yenileme seçimi", BY_ELECTION: "ara seçim"},
               "en": {GENERAL: "general election", RERUN: "re-run election", BY_ELECTION: "by-election"}}


@dataclass(frozen=True)
class ElectionError(ValueError):
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def describe(self, locale: str = "tr") -> str:
        lang = short_locale(locale)
        values = {k: format_day(v, lang) if isinstance(v, date) else v for k, v in self.params.items()}
        return TEXTS[self.code][lang].format(**values)

    def __str__(self) -> str:
        return self.describe("tr")


def kind_label(kind: str, locale: str = "tr") -> str:
    return KIND_LABELS[short_locale(locale)].get(kind, kind)


def check(election_date: date, kind: str = GENERAL, general_election_date: date | None = None,
          max_months: int = RERUN_MAX_MONTHS) -> None:
    """Raise ElectionError unless the kind and the general election's date fit together."""
    if kind not in ELECTION_KINDS:
        raise ElectionError(UNKNOWN_KIND, {"kind": kind})
    if kind != RERUN:
        if general_election_date is not None:
            raise ElectionError(GENERAL_DATE_NOT_FOR_KIND)
        return
    if general_election_date is None:
        raise ElectionError(RERUN_WITHOUT_GENERAL)
    params = {"general": general_election_date, "election": election_date}
    if general_election_date >= election_date:
        raise ElectionError(GENERAL_NOT_BEFORE_RERUN, params)
    if general_election_date < add_months(election_date, -max_months):
        raise ElectionError(GENERAL_TOO_EARLY, {**params, "months": max_months})


def deadline_counts_from(election_date: date, kind: str = GENERAL, general_election_date: date | None = None) -> date:
    """The day the six months of 5393 art. 41 count from: the general election's day for a re-run,
    else the election's own day. ElectionError for inputs `check` refuses."""
    check(election_date, kind, general_election_date)
    return general_election_date if kind == RERUN else election_date
