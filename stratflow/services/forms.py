"""JSON-Schema task forms: HTML field descriptors, parsing a submission, validation.

Only properties the schema declares ever reach task data, so a form can never
overwrite process variables it does not own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from ..parsing import contains_nul, strip_controls
from . import date_rules, situation_checks

EMPTY_SCHEMA = {"type": "object", "properties": {}}
_checker = FormatChecker()
FILE_WIDGET = "file"
# What a file field holds: references to stored attachments (services/attachments.py), never bytes.
FILE_REFERENCE = {"type": "object", "required": ["id"], "additionalProperties": False,
                  "properties": {"id": {"type": "integer", "minimum": 1}, "name": {"type": "string"},
                                 "size": {"type": "integer", "minimum": 0}, "type": {"type": "string"}}}


@dataclass
class Field:
    name: str          # HTML name, also the key of its error
    label: str
    kind: str          # text, textarea, date, email, integer, number, checkbox, select
    required: bool = False
    value: object = None
    error: str | None = None
    options: list = field(default_factory=list)  # (value, label)
    max_length: int | None = None
    columns: list = field(default_factory=list)  # for kind == "table": column Fields
    rows: list = field(default_factory=list)     # for kind == "table": list of list of Fields
    accept: tuple = ()                           # for kind == "file": the kinds it takes (pdf, docx …)
    max_files: int = 1                           # for kind == "file"
    max_bytes: int | None = None                 # for kind == "file": the field's own limit, if any


def is_file(schema: dict) -> bool:
    """A file field: `{"type": "array", "x-widget": "file", "x-accept": [...], "x-max-bytes": n,
    "maxItems": n}` (maxItems: how many files it takes, default 1)."""
    return isinstance(schema, dict) and schema.get("x-widget") == FILE_WIDGET


def file_fields(schema: dict) -> dict:
    """name -> property of the schema's file fields."""
    return {k: s for k, s in schema.get("properties", {}).items() if is_file(s)}


def max_files(schema: dict) -> int:
    return int(schema.get("maxItems", 1))


def expanded(schema: dict) -> dict:
    """The schema as validation and API clients see it: every file field an array of at most
    `maxItems` (default 1) attachment references."""
    files = file_fields(schema)
    if not files:
        return schema
    props = dict(schema["properties"])
    for key, sub in files.items():
        props[key] = {**sub, "type": "array", "items": FILE_REFERENCE, "maxItems": max_files(sub)}
    return {**schema, "properties": props}


def label(schema: dict, key: str, locale: str) -> str:
    if locale != "tr" and schema.get(f"x-title-{locale}"):
        return schema[f"x-title-{locale}"]
    return schema.get("title") or key


def _options(schema: dict, locale: str) -> list:
    if "enum" in schema:
        return [(v, str(v)) for v in schema["enum"]]
    return [(o["const"], label(o, str(o["const"]), locale)) for o in schema.get("oneOf", [])
            if "const" in o]


def _kind(schema: dict) -> str:
    if _options(schema, "tr"):
        return "select"
    typ = schema.get("type")
    if typ == "boolean":
        return "checkbox"
    if typ in ("integer", "number"):
        return typ
    if schema.get("format") in ("date", "email"):
        return schema["format"]
    return "textarea" if schema.get("x-widget") == "textarea" else "text"


def fields(schema: dict, data: dict, errors: dict, locale: str) -> list[Field]:
    """Descriptors for rendering `schema` filled with `data` and `errors`."""
    required = set(schema.get("required", []))
    out = []
    for key, sub in schema.get("properties", {}).items():
        if is_file(sub):
            value = data.get(key)
            out.append(Field(name=key, label=label(sub, key, locale), kind="file", required=key in required,
                             value=[r for r in value if isinstance(r, dict)] if isinstance(value, list) else [],
                             error=errors.get(key), accept=tuple(sub.get("x-accept") or ()),
                             max_files=max_files(sub), max_bytes=sub.get("x-max-bytes")))
            continue
        if sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            out.append(_table(key, sub, data.get(key) or [], errors, locale))
            continue
        out.append(Field(name=key, label=label(sub, key, locale), kind=_kind(sub),
                         required=key in required, value=data.get(key), error=errors.get(key),
                         options=_options(sub, locale), max_length=sub.get("maxLength")))
    return out


def _table(key: str, schema: dict, rows: list, errors: dict, locale: str) -> Field:
    item = schema["items"]
    item_required = set(item.get("required", []))
    count = max(len(rows) + 1, int(schema.get("x-rows", 3)))
    count = min(count, int(schema.get("maxItems", 20)))
    columns = [Field(name=c, label=label(s, c, locale), kind=_kind(s), required=c in item_required,
                     options=_options(s, locale), max_length=s.get("maxLength"))
               for c, s in item.get("properties", {}).items()]
    table_rows = []
    for i in range(count):
        row = rows[i] if i < len(rows) and isinstance(rows[i], dict) else {}
        table_rows.append([Field(name=f"{key}-{i}-{c.name}", label=c.label, kind=c.kind,
                                 required=c.required, value=row.get(c.name), options=c.options,
                                 error=errors.get(f"{key}-{i}-{c.name}"), max_length=c.max_length)
                           for c in columns])
    return Field(name=key, label=label(schema, key, locale), kind="table", columns=columns,
                 rows=table_rows, error=errors.get(key))


def parse(schema: dict, form) -> dict:
    """Turn submitted HTML form fields (a MultiDict) into data shaped by the schema. A file field
    gives the references it keeps (the ids of its ticked files); new files are the uploads'
    (services/attachments.py)."""
    data = {}
    for key, sub in schema.get("properties", {}).items():
        if is_file(sub):
            kept = _kept_ids(form.getlist(key) if hasattr(form, "getlist") else [])
            if kept:
                data[key] = [{"id": i} for i in kept]
            continue
        if sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            rows = _parse_rows(key, sub, form)
            if rows:
                data[key] = rows
            continue
        value = _coerce(sub, form.get(key))
        if value is not None:
            data[key] = value
    return data


def _kept_ids(values) -> list[int]:
    found = []
    for raw in values:
        value = str(raw).strip()
        if value.isascii() and value.isdigit() and 0 < len(value) < 10 and int(value) not in found:
            found.append(int(value))
    return found


def _parse_rows(key: str, schema: dict, form) -> list:
    limit = int(schema.get("maxItems", 20))
    props = schema["items"].get("properties", {})
    rows = []
    for i in range(limit):
        row = {}
        for col, sub in props.items():
            value = _coerce(sub, form.get(f"{key}-{i}-{col}"))
            if value is not None and value is not False:
                row[col] = value
        if row:
            rows.append(row)
    return rows


def _coerce(schema: dict, raw):
    typ = schema.get("type")
    if typ == "boolean":
        return raw is not None and raw not in ("", "0", "false", "off")
    if raw is None:
        return None
    raw = strip_controls(raw, multiline=True).strip()  # tabs and line breaks are whitespace, kept
    if raw == "":
        return None
    if typ in ("integer", "number"):
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            return raw  # validation reports the wrong type
        if not math.isfinite(number):
            return raw  # "nan", "inf": not a number the form can take; validation says so
        return int(number) if typ == "integer" and number.is_integer() else number
    return raw


def unknown_keys(schema: dict, data: dict, prefix: str = "") -> list[str]:
    """Keys the schema does not declare, also inside rows of tables (as "members-0-extra")."""
    props = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]  # e.g. plan years "^[0-9]{4}$"
    found = [prefix + key for key in sorted(set(data) - set(props)) if not any(p.search(key) for p in patterns)]
    for key, sub in props.items():
        value = data.get(key)
        if sub.get("type") == "array" and isinstance(value, list) and isinstance(sub.get("items"), dict):
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    found += unknown_keys(sub["items"], row, f"{prefix}{key}-{i}-")
        elif sub.get("type") == "object" and isinstance(value, dict):
            found += unknown_keys(sub, value, f"{prefix}{key}-")
    return found


def validate(schema: dict, data: dict, facts=None) -> dict[str, str]:
    """Field name -> message in the current language; empty when the data is valid.

    `facts` (task data, recorded date anchors) feed the schema's date rules (date_rules.py);
    without them only the rules between fields of the form itself apply."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        return {"__all__": _("Form verisi bir nesne olmalıdır.")}
    for key in unknown_keys(schema, data):
        errors[key] = _("Bu formda böyle bir alan yok.")
    for key in _keys_with_nul(data):
        errors[key] = _("Bu alanda izin verilmeyen bir denetim karakteri (NUL) var.")
    validator = Draft202012Validator(schema, format_checker=_checker)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties" and error.validator_value is False:
            continue  # unknown_keys named each of them
        if error.validator == "required":
            for missing in error.validator_value:
                if isinstance(error.instance, dict) and missing not in error.instance:
                    errors.setdefault("-".join(path + [missing]), _required_message(schema, path, missing))
            continue
        if error.validator == "anyOf" and _required_branches(error.validator_value):
            first = error.validator_value[0]["required"][0]
            errors.setdefault("-".join(path + [first]), _required_message(schema, path, first))
            continue
        errors.setdefault("-".join(path) or "__all__", _message(error))
    for key, message in date_rules.check(schema, data, facts).items():
        errors.setdefault(key, message)
    for key, message in situation_checks.check(schema, data).items():  # the form's "x-checks"
        errors.setdefault(key, message)
    return errors


def _required_branches(branches) -> bool:
    """`anyOf: [{"required": [a]}, {"required": [b]}]`: one of these fields must be given (a text
    reference or a file); reported on the first as its required message."""
    return isinstance(branches, list) and bool(branches) and all(
        isinstance(b, dict) and set(b) == {"required"} and b["required"] for b in branches)


def _keys_with_nul(data, prefix: str = "") -> list[str]:
    """Fields (as "members-0-email") whose name or text holds a NUL, which no database stores."""
    found = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if contains_nul(key) or isinstance(value, str) and contains_nul(value):
            found.append(name)
        elif isinstance(value, dict):
            found += _keys_with_nul(value, f"{name}-")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    found += _keys_with_nul(item, f"{name}-{i}-")
                elif contains_nul(item):
                    found.append(f"{name}-{i}")
    return found


def _required_message(schema: dict, path: list, key: str) -> str:
    """The schema may word it better ("x-required-message", "x-required-message-en")."""
    node = schema
    for part in path:
        node = node.get("items", {}) if part.isdigit() else node.get("properties", {}).get(part, {})
    prop = node.get("properties", {}).get(key, {})
    locale = str(get_locale() or "tr")
    return (prop.get(f"x-required-message-{locale}") if locale != "tr" else None) \
        or prop.get("x-required-message") or _("Bu alan zorunludur.")


def _message(error) -> str:
    v, val = error.validator, error.validator_value
    if v == "format" and val == "date":
        return _("Geçerli bir tarih girin.")
    if v == "format" and val == "email":
        return _("Geçerli bir e-posta adresi girin.")
    if v == "minLength":
        return _("En az %(n)d karakter girin.", n=val)
    if v == "maxLength":
        return _("En fazla %(n)d karakter girin.", n=val)
    if v == "minItems":
        return _("En az %(n)d kayıt girin.", n=val)
    if v == "maxItems" and is_file(error.schema):
        return _("En fazla %(n)d dosya eklenebilir.", n=val)
    if v == "maxItems":
        return _("En fazla %(n)d kayıt girilebilir.", n=val)
    if v == "minimum":
        return _("Değer en az %(n)s olmalıdır.", n=val)
    if v == "maximum":
        return _("Değer en fazla %(n)s olmalıdır.", n=val)
    if v == "const" and val is True:
        return _("Devam etmek için bu kutuyu işaretleyin.")
    if v in ("enum", "oneOf", "const"):
        return _("Listedeki seçeneklerden birini seçin.")
    if v == "pattern":
        return _("Biçim geçersiz.")
    if v == "type":
        return _("Geçersiz değer türü.")
    return _("Geçersiz değer.")
