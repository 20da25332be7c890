"""Reminder policies: when the people of a task are reminded and when it is escalated.

One small syntax (not Python) for a whole policy or a partial override of one:

    policy  := item (";" item)*
    item    := KEY "=" VALUE
    before=7,3,1         working days before the due date ("none": no reminder before it)
    due=yes              a reminder on the due day (yes/no; evet/hayır)
    overdue_every=2      working days between reminders while overdue (0: none)
    escalate=3,6,10      working days late → unit manager, coordinator, mayor ("none": never)

Where a policy comes from, most specific first: a BPMN user task's `reminderPolicy` extension
property (an override of some keys), the municipality's setting, the application's configuration
(STRATFLOW_REMINDER_DAYS, STRATFLOW_OVERDUE_EVERY, STRATFLOW_ESCALATION_DAYS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

KEYS = ("before", "due", "overdue_every", "escalate")
MAX_DAYS = 60
MAX_ITEMS = 10
_YES = {"yes": True, "true": True, "1": True, "evet": True, "no": False, "false": False, "0": False, "hayır": False,
        "hayir": False}
_NONE = {"none", "yok", "-"}
_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: str.isdigit() accepts "²", which int() refuses

_TEXTS = {
    "empty": {"tr": "politika boş", "en": "the policy is empty"},
    "item": {"tr": "“{found}” bir “anahtar=değer” çifti değil", "en": "“{found}” is not a “key=value” pair"},
    "key": {"tr": "bilinmeyen anahtar “{found}”; geçerli olanlar: {known}",
            "en": "unknown key “{found}”; known keys: {known}"},
    "twice": {"tr": "“{found}” anahtarı iki kez yazılmış", "en": "the key “{found}” is given twice"},
    "days": {"tr": "“{key}” için “{found}” geçersiz: 1 ile {limit} arasında, virgülle ayrılmış en çok {items} tam "
                   "sayı (ya da none) yazın",
             "en": "“{found}” is not valid for “{key}”: write at most {items} whole numbers from 1 to {limit}, "
                   "separated by commas (or none)"},
    "flag": {"tr": "“{key}” için “{found}” geçersiz: yes ya da no yazın",
             "en": "“{found}” is not valid for “{key}”: write yes or no"},
    "every": {"tr": "“{key}” için “{found}” geçersiz: 0 ile {limit} arasında bir tam sayı yazın",
              "en": "“{found}” is not valid for “{key}”: write a whole number from 0 to {limit}"},
    "escalate": {"tr": "“{key}” için “{found}” geçersiz: en çok 3 artan tam sayı (1 ile {limit} arası) yazın",
                 "en": "“{found}” is not valid for “{key}”: write at most 3 increasing whole numbers "
                       "from 1 to {limit}"},
}


class PolicyError(ValueError):
    def __init__(self, code: str, found: str = "", key: str = ""):
        self.code, self.found, self.key = code, found, key
        super().__init__(self.describe("en"))

    def describe(self, locale: str = "tr") -> str:
        lang = "en" if (locale or "tr").lower().startswith("en") else "tr"
        return _TEXTS[self.code][lang].format(found=self.found, key=self.key, known=", ".join(KEYS),
                                              limit=MAX_DAYS, items=MAX_ITEMS)


@dataclass(frozen=True)
class ReminderPolicy:
    before: tuple[int, ...] = (7, 3, 1)
    on_due: bool = True
    overdue_every: int = 2
    escalation: tuple[int, ...] = (3, 6, 10)

    def override(self, overrides: dict) -> ReminderPolicy:
        """This policy with some of its values replaced ({"before": (…), "due": bool, …})."""
        names = {"before": "before", "due": "on_due", "overdue_every": "overdue_every", "escalate": "escalation"}
        return replace(self, **{names[k]: v for k, v in overrides.items() if k in names})

    def text(self) -> str:
        return format_policy({"before": self.before, "due": self.on_due, "overdue_every": self.overdue_every,
                              "escalate": self.escalation})


def _number(text: str) -> int | None:
    """The same rule as stratflow.parsing.parse_int (this package imports nothing of the app)."""
    return int(text) if _NUMBER.fullmatch(text) else None


def parse_days(text: str, key: str = "before", limit: int = MAX_DAYS, items: int = MAX_ITEMS) -> tuple[int, ...]:
    """"7,3,1" → (7, 3, 1), largest first; "none" or "" → ()."""
    value = (text or "").strip()
    if value.lower() in _NONE or not value:
        return ()
    parts = [p.strip() for p in value.split(",")]
    numbers = [_number(p) for p in parts]
    if len(parts) > items or not all(n is not None and 1 <= n <= limit for n in numbers):
        raise PolicyError("days", value, key)
    return tuple(sorted(set(numbers), reverse=True))


def parse_escalation(text: str) -> tuple[int, ...]:
    value = (text or "").strip()
    if value.lower() in _NONE or not value:
        return ()
    parts = [p.strip() for p in value.split(",")]
    numbers = tuple(_number(p) for p in parts)
    if len(parts) > 3 or not all(n is not None and 1 <= n <= MAX_DAYS for n in numbers):
        raise PolicyError("escalate", value, "escalate")
    if list(numbers) != sorted(set(numbers)):
        raise PolicyError("escalate", value, "escalate")
    return numbers


def parse_flag(text: str, key: str = "due") -> bool:
    value = (text or "").strip().lower()
    if value not in _YES:
        raise PolicyError("flag", text, key)
    return _YES[value]


def parse_every(text: str, key: str = "overdue_every") -> int:
    value = (text or "").strip()
    number = _number(value)
    if number is None or number > MAX_DAYS:
        raise PolicyError("every", value, key)
    return number


def parse_policy(text: str) -> dict:
    """The overrides a policy text gives ({key: value} for the keys it names); PolicyError when bad."""
    if not isinstance(text, str) or not text.strip():
        raise PolicyError("empty")
    found: dict = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        if "=" not in item:
            raise PolicyError("item", item.strip())
        key, value = (s.strip() for s in item.split("=", 1))
        key = key.lower()
        if key not in KEYS:
            raise PolicyError("key", key)
        if key in found:
            raise PolicyError("twice", key)
        if key == "before":
            found[key] = parse_days(value, key)
        elif key == "due":
            found[key] = parse_flag(value, key)
        elif key == "overdue_every":
            found[key] = parse_every(value, key)
        else:
            found[key] = parse_escalation(value)
    if not found:
        raise PolicyError("empty")
    return found


def format_days(days) -> str:
    return ",".join(str(d) for d in days) if days else "none"


def format_policy(overrides: dict) -> str:
    parts = []
    for key in KEYS:
        if key not in overrides:
            continue
        value = overrides[key]
        if key in ("before", "escalate"):
            parts.append(f"{key}={format_days(value)}")
        elif key == "due":
            parts.append(f"due={'yes' if value else 'no'}")
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)
