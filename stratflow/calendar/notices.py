"""Calendar warnings: stable codes with parameters, and their Turkish and English texts.

The calendar runs outside any request (CLI, jobs, services), so it cannot use Flask-Babel's
gettext; it returns `CalendarWarning(code, params)` and `describe(warning, locale)` renders it.
Dates in params are `datetime.date`; `as_dict()` gives a JSON-ready form (ISO dates). A holiday
is referred to by its date (`holiday_on`), so its name is shown in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date as _babel_format_date

from .workdays import half_day_name, holiday_name

DEADLINE_ON_WEEKEND = "deadline_on_weekend"
DEADLINE_ON_HOLIDAY = "deadline_on_holiday"
DEADLINE_ON_HALF_DAY = "deadline_on_half_day"
DEADLINE_ON_LEAVE_DAY = "deadline_on_leave_day"
MEETING_MOVED = "meeting_moved"
MEETING_MOVED_OUT_OF_WEEK = "meeting_moved_out_of_week"
MEETING_ON_HALF_DAY = "meeting_on_half_day"
MEETING_ON_LEAVE_DAY = "meeting_on_leave_day"
DEADLINE_MONTH_IN_RECESS = "deadline_month_in_recess"
DEADLINE_MONTH_MEETING_LATE = "deadline_month_meeting_after_deadline"
NO_REGULAR_MEETING_IN_TIME = "no_regular_meeting_in_time"
MEETING_AFTER_DEADLINE = "meeting_moved_after_deadline"
RECESS_IN_DEADLINE_MONTH = "recess_in_deadline_month"
RECESS_IN_APRIL = "recess_in_april"
RERUN_AFTER_DEADLINE = "rerun_after_deadline"

# Not law: DOMAIN §1 settles the six calendar months, not whether a period ending on a holiday runs on
# to the next working day. The product never moves the deadline — its conservative policy — and says so.
_NOT_EXTENDED_TR = "stratflow ihtiyatlı davranarak süreyi tatil nedeniyle uzatmaz (bu bir uygulama tercihidir, " \
    "kanun hükmü değildir)."
_NOT_EXTENDED_EN = "stratflow conservatively does not extend the deadline for holidays (the product's policy, " \
    "not a rule of law)."
_EXTRA_TR = "Daha geç bir tarih için olağanüstü toplantı gerekir."
_EXTRA_EN = "A later date needs an extraordinary meeting."

TEXTS: dict[str, dict[str, str]] = {
    DEADLINE_ON_WEEKEND: {
        "tr": "Yasal süre sonu ({date}) hafta sonuna denk geliyor; " + _NOT_EXTENDED_TR,
        "en": "The legal deadline ({date}) falls on a weekend; " + _NOT_EXTENDED_EN},
    DEADLINE_ON_HOLIDAY: {
        "tr": "Yasal süre sonu ({date}) resmî tatile ({holiday}) denk geliyor; " + _NOT_EXTENDED_TR,
        "en": "The legal deadline ({date}) falls on an official holiday ({holiday}); " + _NOT_EXTENDED_EN},
    DEADLINE_ON_HALF_DAY: {
        "tr": "Yasal süre sonu ({date}) yarım günlük tatile ({holiday}) denk geliyor; öğleden sonra "
              "çalışılmaz, " + _NOT_EXTENDED_TR,
        "en": "The legal deadline ({date}) falls on a half-day holiday ({holiday}); the afternoon is off and "
              + _NOT_EXTENDED_EN},
    DEADLINE_ON_LEAVE_DAY: {
        "tr": "Yasal süre sonu ({date}) idari izin gününe denk geliyor; " + _NOT_EXTENDED_TR,
        "en": "The legal deadline ({date}) falls on an administrative-leave day; " + _NOT_EXTENDED_EN},
    MEETING_MOVED: {
        "tr": "{scheduled} günkü meclis toplantısı resmî tatile ({holiday}) denk geliyor; toplantı haftası "
              "içindeki en yakın iş günü olan {date} önerildi (eşit uzaklıkta ise sonraki gün). Meclis başka bir "
              "gün belirlediyse gerçek tarihi girin.",
        "en": "The council meeting of {scheduled} falls on an official holiday ({holiday}); the nearest working "
              "day in the meeting week, {date}, is proposed (on a tie the later day). If the council chose "
              "another day, enter the actual date."},
    MEETING_MOVED_OUT_OF_WEEK: {
        "tr": "Ayın {week} haftasının tamamı resmî tatil ({holiday}); {scheduled} günkü meclis toplantısı haftadan "
              "sonraki ilk iş günü olan {date} gününe kaydırıldı. Meclis başka bir gün belirlediyse gerçek "
              "tarihi girin.",
        "en": "The whole {week} week of the month is an official holiday ({holiday}); the council meeting of "
              "{scheduled} moves to the first working day after the week, {date}. If the council chose another "
              "day, enter the actual date."},
    MEETING_ON_HALF_DAY: {
        "tr": "{date} günkü meclis toplantısı yarım günlük tatile ({holiday}) denk geliyor; toplantıyı öğleden "
              "önce planlayın.",
        "en": "The council meeting of {date} falls on a half-day holiday ({holiday}); plan it for the morning."},
    MEETING_ON_LEAVE_DAY: {
        "tr": "{date} günkü meclis toplantısı idari izin gününe denk geliyor; idari izin toplantı gününü "
              "değiştirmez.",
        "en": "The council meeting of {date} falls on an administrative-leave day; leave does not move the "
              "meeting."},
    DEADLINE_MONTH_IN_RECESS: {
        "tr": "Yasal süre sonunun bulunduğu {month} meclisin tatil ayı; süreden önceki son olağan toplantı "
              "{target}. " + _EXTRA_TR,
        "en": "The deadline month, {month}, is the council's recess; the last regular meeting before the "
              "deadline is {target}. " + _EXTRA_EN},
    DEADLINE_MONTH_MEETING_LATE: {
        "tr": "{month} olağan toplantısı ({meeting}) yasal süre sonundan ({deadline}) sonra; süreden önceki "
              "son olağan toplantı {target}. " + _EXTRA_TR,
        "en": "The regular meeting of {month} ({meeting}) is after the legal deadline ({deadline}); the last "
              "regular meeting before the deadline is {target}. " + _EXTRA_EN},
    NO_REGULAR_MEETING_IN_TIME: {
        "tr": "{start} tarihinden yasal süre sonuna ({deadline}) kadar olağan meclis toplantısı yok; plan "
              "için olağanüstü meclis toplantısı (yılda en çok üç) yapılmalı.",
        "en": "There is no regular council meeting from {start} to the legal deadline ({deadline}); the plan "
              "needs an extraordinary council meeting (at most three a year)."},
    MEETING_AFTER_DEADLINE: {
        "tr": "{month} olağan toplantısı {scheduled} yerine {date} gününe kaydırıldığı için yasal süre sonundan "
              "({deadline}) sonraya düşüyor.",
        "en": "The regular meeting of {month}, moved from {scheduled} to {date}, falls after the legal deadline "
              "({deadline})."},
    RECESS_IN_DEADLINE_MONTH: {
        "tr": "Meclisin tatil ayı ({month}) seçim yılında yasal süre sonunun bulunduğu ay; plan bu ayın olağan "
              "toplantısına sunulamaz. Tatil ayını değiştirmeyi düşünün.",
        "en": "The council's recess month ({month}) is the month of the legal deadline in the election year; the "
              "plan cannot go to that month's regular meeting. Consider another recess month."},
    RECESS_IN_APRIL: {
        "tr": "Meclisin tatil ayı Nisan: faaliyet raporu Nisan ayı toplantısında meclise sunulur (5393 md. 56). "
              "Tatil ayını değiştirmeyi düşünün.",
        "en": "The council's recess month is April: the activity report is presented to the council in its April "
              "meeting (law 5393 art. 56). Consider another recess month."},
    RERUN_AFTER_DEADLINE: {
        "tr": "Yenileme seçimi ({date}), genel seçimden ({general}) sayılan yasal süre sonundan ({deadline}) "
              "sonra; süre seçimden önce dolmuş görünüyor. Tarihleri denetleyin.",
        "en": "The re-run election ({date}) is after the legal deadline ({deadline}) counted from the general "
              "election ({general}); the period seems to have run out before the election. Check the dates."},
}

_WEEKS = {"first": {"tr": "ilk", "en": "first"}, "second": {"tr": "ikinci", "en": "second"}}
_MONTH_PARAMS = {"month"}


@dataclass(frozen=True)
class CalendarWarning:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, locale: str = "tr") -> dict[str, Any]:
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in self.params.items()}
        return {"code": self.code, "params": params, "text": describe(self, locale)}


def short_locale(locale: str | None) -> str:
    """'tr', 'tr_TR', 'en-US' … → 'tr' or 'en' (anything else → 'tr')."""
    lang = (locale or "tr").replace("-", "_").split("_")[0].lower()
    return lang if lang in ("tr", "en") else "tr"


def format_day(day: date, locale: str = "tr") -> str:
    """'30 Eylül 2024 Pazartesi' / 'Monday, September 30, 2024'."""
    return _babel_format_date(day, "full", locale=short_locale(locale))


def format_month(day: date, locale: str = "tr") -> str:
    """'Ağustos 2024' / 'August 2024'."""
    return _babel_format_date(day, "LLLL y", locale=short_locale(locale))


def describe(warning: CalendarWarning, locale: str = "tr") -> str:
    """The warning as a sentence in Turkish ('tr', default) or English ('en')."""
    lang = short_locale(locale)
    values = {}
    if isinstance(warning.params.get("holiday_on"), date):
        day = warning.params["holiday_on"]
        values["holiday"] = holiday_name(day, lang) or half_day_name(day, lang) or ""
    for key, value in warning.params.items():
        if key in _MONTH_PARAMS and isinstance(value, date):
            values[key] = format_month(value, lang)
        elif isinstance(value, date):
            values[key] = format_day(value, lang)
        elif key == "week":
            values[key] = _WEEKS.get(value, {}).get(lang, value)
        else:
            values[key] = value
    return TEXTS[warning.code][lang].format(**values)
