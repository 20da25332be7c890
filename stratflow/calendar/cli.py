"""`flask --app wsgi stratflow calendar …`: the statutory schedule of a municipality.

Registered by stratflow/cli.py as `group.add_command(calendar_command)`. Pure computation: it needs
no database and no app context.
"""

from __future__ import annotations

import json
from datetime import date

import click
from babel.dates import format_date

from .council import SOURCE_ENTERED, SOURCE_MOVED, meeting_week
from .election import ELECTION_KINDS, GENERAL, RERUN, ElectionError, kind_label
from .inputs import parse_date, parse_month, parse_municipality_type, parse_weekday
from .notices import describe, format_day, format_month
from .schedule import Schedule, build_schedule

_NO_RECESS = ("none", "yok", "no")

LABELS = {
    "tr": {
        "title": "Stratejik plan takvimi", "type": "Belediye türü", "weekday": "Meclis günü",
        "week": "ayın {first}–{last}. günleri", "recess": "Tatil ayı", "none": "yok",
        "election": "Seçim günü", "deadline": "Yasal süre sonu", "kind": "Seçim türü",
        "general": "Genel seçim günü", "counts_from": "Süre başlangıcı",
        "counts_from_note": {"genel": "seçim günü", "ara": "ara seçimin kendi günü",
                             "yenileme": "genel seçim günü: YSK yenileme seçimini genel seçimin devamı sayar"},
        "deadline_note": "5393 sayılı Kanun md. 41: {start} gününden itibaren 6 ay; stratflow tatil nedeniyle "
                         "uzatmaz — ihtiyatlı uygulama tercihi, kanun hükmü değil",
        "meetings": "Meclis toplantıları (seçimden yasal süre sonuna kadar)", "recess_line": "tatil ayı",
        "moved": "tatil nedeniyle kaydırıldı", "entered": "yazı işlerinin girdiği tarih", "target_mark": "hedef",
        "target": "Hedef meclis toplantısı", "no_target": "yok — olağanüstü meclis toplantısı gerekir",
        "warnings": "Uyarılar",
        "types": {"buyuksehir": "büyükşehir", "il": "il", "ilce": "ilçe", "belde": "belde"},
    },
    "en": {
        "title": "Strategic plan schedule", "type": "Municipality type", "weekday": "Council day",
        "week": "days {first}–{last} of the month", "recess": "Recess month", "none": "none",
        "election": "Election day", "deadline": "Legal deadline", "kind": "Election kind",
        "general": "General election day", "counts_from": "Deadline counts from",
        "counts_from_note": {"genel": "the election day", "ara": "the by-election's own day",
                             "yenileme": "the general election day: the YSK treats a re-run as the general "
                                         "election's continuation"},
        "deadline_note": "law 5393 art. 41: 6 months from {start}; stratflow does not extend it for holidays "
                         "— a conservative product policy, not a rule of law",
        "meetings": "Council meetings (from the election to the legal deadline)", "recess_line": "recess",
        "moved": "moved for a holiday", "entered": "entered by the clerk", "target_mark": "target",
        "target": "Target council meeting", "no_target": "none — an extraordinary council meeting is needed",
        "warnings": "Warnings",
        "types": {"buyuksehir": "metropolitan", "il": "province centre", "ilce": "district", "belde": "town"},
    },
}


def _parsed(parser):
    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            if isinstance(value, tuple):
                return tuple(parser(v) for v in value)
            return parser(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from exc
    return callback


def _recess(text: str) -> int | None:
    return None if text.strip().lower() in _NO_RECESS else parse_month(text)


@click.command("calendar")
@click.option("--election-date", required=True, callback=_parsed(parse_date),
              help="Election day, YYYY-MM-DD.")
@click.option("--election-kind", type=click.Choice(ELECTION_KINDS), default=GENERAL, show_default=True,
              help="genel (general), yenileme (re-run: the deadline counts from the general election) or "
                   "ara (by-election).")
@click.option("--general-election-date", callback=_parsed(parse_date),
              help="For --election-kind yenileme: the general election's day, YYYY-MM-DD (required).")
@click.option("--type", "municipality_type", required=True, callback=_parsed(parse_municipality_type),
              help="buyuksehir, il, ilce or belde.")
@click.option("--council-weekday", required=True, callback=_parsed(parse_weekday),
              help="The council's meeting day: monday … sunday (or pazartesi … pazar).")
@click.option("--recess-month", default="8", show_default=True, callback=_parsed(_recess),
              help="The council's recess month, 1–12, or 'none'.")
@click.option("--meeting-date", multiple=True, callback=_parsed(parse_date),
              help="A clerk-entered actual meeting date (wins for its month); repeatable.")
@click.option("--leave-day", multiple=True, callback=_parsed(parse_date),
              help="An administrative-leave day (idari izin); repeatable.")
@click.option("--not-before", callback=_parsed(parse_date),
              help="Earliest day a target meeting may have (default: the election day).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--lang", type=click.Choice(["tr", "en"]), default="tr", show_default=True)
def calendar_command(election_date: date, election_kind: str, general_election_date: date | None,
                     municipality_type: str, council_weekday: int, recess_month: int | None,
                     meeting_date: tuple[date, ...], leave_day: tuple[date, ...], not_before: date | None,
                     as_json: bool, lang: str) -> None:
    """Print the statutory schedule: legal deadline, council meetings and the target meeting."""
    try:
        schedule = build_schedule(election_date, municipality_type, council_weekday, recess_month,
                                  actual_dates={d: d for d in meeting_date}, leave_days=leave_day,
                                  not_before=not_before, election_kind=election_kind,
                                  general_election_date=general_election_date)
    except ElectionError as exc:
        raise click.UsageError(exc.describe(lang)) from exc
    if as_json:
        click.echo(json.dumps(schedule.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(as_text(schedule, lang))


def as_text(schedule: Schedule, lang: str = "tr") -> str:
    t = LABELS[lang]
    first, last = meeting_week(schedule.municipality_type)
    weekday = format_date(date(2024, 1, 1 + schedule.weekday), "EEEE", locale=lang)  # 1 Jan 2024: a Monday
    recess = format_date(date(2000, schedule.recess_month, 1), "LLLL", locale=lang) if schedule.recess_month \
        else t["none"]
    lines = [
        t["title"],
        f"  {t['type']}: {t['types'][schedule.municipality_type]}",
        f"  {t['weekday']}: {weekday} ({t['week'].format(first=first, last=last)})",
        f"  {t['recess']}: {recess}",
        f"  {t['kind']}: {kind_label(schedule.election_kind, lang)}",
        f"  {t['election']}: {format_day(schedule.election_date, lang)}",
        *([f"  {t['general']}: {format_day(schedule.general_election_date, lang)}"]
          if schedule.election_kind == RERUN else []),
        f"  {t['counts_from']}: {format_day(schedule.deadline_counts_from, lang)} "
        f"({t['counts_from_note'][schedule.election_kind]})",
        f"  {t['deadline']}: {format_day(schedule.legal_deadline, lang)} "
        f"({t['deadline_note'].format(start=format_day(schedule.deadline_counts_from, lang))})",
        "", f"{t['meetings']}:",
        *_meeting_lines(schedule, lang),
        "",
        f"{t['target']}: " + (format_day(schedule.target.date, lang) if schedule.target.date else t["no_target"]),
    ]
    warnings = schedule.warnings
    if warnings:
        lines += ["", f"{t['warnings']}:", *(f"  - {describe(w, lang)}" for w in warnings)]
    return "\n".join(lines)


def _meeting_lines(schedule: Schedule, lang: str) -> list[str]:
    t = LABELS[lang]
    rows = []
    for meeting in schedule.meetings:
        marks = [t["moved"]] if meeting.source == SOURCE_MOVED else []
        marks += [t["entered"]] if meeting.source == SOURCE_ENTERED else []
        marks += [t["target_mark"]] if meeting.date == schedule.target.date else []
        suffix = f" ({', '.join(marks)})" if marks else ""
        rows.append((meeting.date, f"  {format_day(meeting.date, lang)}{suffix}"))
    entered_months = {m.month for m in schedule.meetings if m.source == SOURCE_ENTERED}
    month = schedule.election_date.replace(day=1)
    while month <= schedule.legal_deadline:
        if month.month == schedule.recess_month and month not in entered_months:
            rows.append((month, f"  {format_month(month, lang)}: {t['recess_line']}"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return [text for _, text in sorted(rows, key=lambda row: row[0])]

