"""People of a municipality: accounts, their roles (unit roles held for one unit), activation.

Input comes as plain dicts of strings; functions validate, change the session, write audit rows
and flush; the caller commits.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import or_

from ..extensions import db
from ..i18n import tr_sort_key
from ..models import Municipality, RoleAssignment, User
from ..models.org import ROLES, UNIT_ROLES
from . import NotFound, ServiceError, accounts, audit, valid_id
from .accounts import hash_password, password_problem
from .municipalities import clean_text, flush_or_conflict, invalid

PERSON_ROLES = tuple(r for r in ROLES if r != "admin")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


def people_of(municipality: Municipality) -> list[User]:
    """Everyone who belongs to the municipality or holds a role in it, in Turkish name order."""
    with_roles = db.select(RoleAssignment.user_id).where(RoleAssignment.municipality_id == municipality.id)
    users = db.session.execute(db.select(User).where(
        or_(User.municipality_id == municipality.id, User.id.in_(with_roles)))).scalars()
    return sorted(users, key=lambda u: tr_sort_key(u.full_name))


def person_of(municipality: Municipality, user_id: int) -> User:
    user = db.session.get(User, user_id) if valid_id(user_id) else None
    if user is None or (user.municipality_id != municipality.id
                        and municipality.id not in user.municipality_ids()):
        raise NotFound()
    return user


def roles_in(user: User, municipality: Municipality) -> list[RoleAssignment]:
    return [r for r in user.roles if r.municipality_id == municipality.id]


def can_edit_details(actor, user: User, municipality: Municipality) -> bool:
    """Name, e-mail, password and the active flag are the home municipality's (or an admin's) to edit —
    and only while the person holds no role elsewhere: a coordinator must never be able to take over
    an account that opens another municipality's data."""
    if actor.is_admin:
        return True
    return (user.municipality_id == municipality.id and not user.is_admin
            and user.municipality_ids() <= {municipality.id})


def person_values(municipality: Municipality, data: dict) -> tuple[dict, dict]:
    """Form input → values for check_person(); plus errors about the chosen unit."""
    errors = {}
    unit_id = clean_text(data.get("unit_id"))
    unit = next((u for u in municipality.units if str(u.id) == unit_id), None)
    if unit_id and unit is None:
        errors["unit_id"] = _("Seçilen birim bu belediyeye ait değil.")
    roles = list(dict.fromkeys(clean_text(r) for r in data.get("roles") or [] if clean_text(r)))
    values = {key: clean_text(data.get(key)) for key in ("email", "full_name", "title", "phone")}
    values.update(roles=roles, unit=unit, password=data.get("password") or "")
    return values, errors


def check_person(values: dict, *, require_password: bool, current: User | None = None,
                 check_email: bool = True) -> dict:
    """Field errors for a person's values; normalises values["email"] in place."""
    errors = {}
    if current is None or values["email"] != current.email:  # a stored address is not re-judged
        try:
            values["email"] = validate_email(values["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors["email"] = _("E-posta boş olamaz.") if not values["email"] else _("E-posta geçersiz.")
        if "email" not in errors and check_email and email_taken(values["email"], current):
            errors["email"] = _("Bu e-posta adresiyle kayıtlı bir kişi zaten var.")
    if not values["full_name"]:
        errors["full_name"] = _("Ad Soyad boş olamaz.")
    elif len(values["full_name"]) > 200:
        errors["full_name"] = _("Ad Soyad en fazla 200 karakter olabilir.")
    if len(values["title"]) > 200:
        errors["title"] = _("Unvan en fazla 200 karakter olabilir.")
    phone = values["phone"]
    if phone and (not _PHONE.match(phone) or not 7 <= sum(c.isdigit() for c in phone) <= 15):
        errors["phone"] = _("Telefon numarası geçersiz.")
    errors.update(_role_errors(values["roles"], values["unit"]))
    problem = password_problem(values["password"], require_password)
    if problem:
        errors["password"] = problem
    return errors


def _role_errors(roles: list[str], unit) -> dict:
    if not roles:
        return {"roles": _("En az bir rol seçin.")}
    if "admin" in roles:
        return {"roles": _("Sistem yöneticisi rolü burada verilemez.")}
    unknown = [r for r in roles if r not in PERSON_ROLES]
    if unknown:
        return {"roles": _("Geçersiz rol: %(role)s", role=", ".join(unknown))}
    needs_unit = any(r in UNIT_ROLES for r in roles)
    if needs_unit and unit is None:
        return {"unit_id": _("Birim müdürü ve ekip üyesi rolleri için birim seçilmelidir.")}
    if unit is not None and not needs_unit:
        return {"unit_id": _("Birim yalnızca birim müdürü ya da ekip üyesi rolüyle birlikte seçilir.")}
    return {}


def email_taken(email: str, current: User | None = None) -> bool:
    query = db.select(User.id).where(User.email == email)
    if current is not None:
        query = query.where(User.id != current.id)
    return db.session.execute(query).first() is not None


def new_person(municipality: Municipality, values: dict) -> User:
    """A new user of the municipality (not flushed). No password given → password_hash None."""
    user = User(email=values["email"], full_name=values["full_name"], title=values["title"] or None,
                phone=values["phone"] or None, municipality=municipality,
                password_hash=hash_password(values["password"]) if values["password"] else None)
    _set_roles(user, municipality, values["roles"], values["unit"])
    db.session.add(user)
    return user


def person_details(user: User, municipality: Municipality, source: str) -> dict:
    """Audit details of a created person (never the password)."""
    return {"user_id": user.id, "email": user.email, "full_name": user.full_name, "source": source,
            "roles": role_labels(roles_in(user, municipality)), "password_set": bool(user.password_hash)}


def role_labels(assignments) -> list[str]:
    return sorted(f"{r.role}@{r.unit.name}" if r.unit else r.role for r in assignments)


def add_person(actor, municipality: Municipality, data: dict) -> User:
    values, errors = person_values(municipality, data)
    errors = {**check_person(values, require_password=True), **errors}
    if errors:
        raise invalid(errors)
    user = new_person(municipality, values)
    flush_or_conflict(_("Bu e-posta adresiyle kayıtlı bir kişi zaten var."))
    audit.record("user.created", actor, municipality_id=municipality.id,
                 **person_details(user, municipality, "form"))
    return user


def update_person(actor, municipality: Municipality, user_id: int, data: dict) -> dict:
    """Details (when the actor may edit them), roles in this municipality, optional new password."""
    user = person_of(municipality, user_id)
    detailed = can_edit_details(actor, user, municipality)
    values, errors = person_values(municipality, data)
    if not detailed:
        values.update(email=user.email, full_name=user.full_name, title=user.title or "",
                      phone=user.phone or "", password="")
    errors = {**check_person(values, require_password=False, current=user), **errors}
    if user.id == actor.id and not actor.is_admin and "coordinator" not in values["roles"]:
        errors["roles"] = _("Kendi koordinatör rolünüzü kaldıramazsınız.")
    if errors:
        raise invalid(errors)
    changes = {k: [getattr(user, k), values[k] or None] for k in ("email", "full_name", "title", "phone")
               if getattr(user, k) != (values[k] or None)}
    for key, (_old, new) in changes.items():
        setattr(user, key, new)
    if values["password"]:
        user.password_hash = hash_password(values["password"])
        changes["password"] = "changed"
        # A reset by someone else ends every session and token; one's own change keeps the tokens.
        own = user.id == actor.id
        accounts.end_sessions(user, actor, "own_password_change" if own else "password_reset", revoke_tokens=not own)
    before, after = _set_roles(user, municipality, values["roles"], values["unit"])
    if before != after:
        changes["roles"] = [before, after]
    if changes:
        flush_or_conflict(_("Bu e-posta adresiyle kayıtlı bir kişi zaten var."))
        audit.record("user.updated", actor, municipality_id=municipality.id, user_id=user.id, changes=changes)
    return changes


def _set_roles(user: User, municipality: Municipality, roles: list[str], unit) -> tuple[list, list]:
    """Make the user's roles in this municipality exactly `roles` (unit roles held for `unit`)."""
    current = roles_in(user, municipality)
    before = role_labels(current)
    wanted = {(role, unit.id if role in UNIT_ROLES else None) for role in roles}
    for assignment in current:
        if (assignment.role, assignment.unit_id) not in wanted:
            user.roles.remove(assignment)
    held = {(r.role, r.unit_id) for r in roles_in(user, municipality)}
    for role in roles:
        unit_for = unit if role in UNIT_ROLES else None
        if (role, getattr(unit_for, "id", None)) not in held:
            user.roles.append(RoleAssignment(role=role, municipality=municipality, unit=unit_for,
                                             municipality_id=municipality.id))  # id now: roles_in() reads it
    return before, role_labels(roles_in(user, municipality))


def set_active(actor, municipality: Municipality, user_id: int, active: bool) -> bool:
    """Deactivate (or reactivate) a person; returns False when already so."""
    user = person_of(municipality, user_id)
    if not can_edit_details(actor, user, municipality):
        raise ServiceError(_("Bu kişi başka bir kuruma bağlı; yalnızca sistem yöneticisi değiştirebilir."),
                           code="forbidden")
    if user.id == actor.id and not active:
        raise ServiceError(_("Kendi hesabınızı devre dışı bırakamazsınız."), code="refused")
    if user.active == active:
        return False
    user.active = active
    if not active:  # reactivation must not bring old sessions or tokens back
        accounts.end_sessions(user, actor, "deactivated", revoke_tokens=True)
    flush_or_conflict(_("Kişi güncellenemedi."))
    audit.record("user.activated" if active else "user.deactivated", actor, municipality_id=municipality.id,
                 user_id=user.id, email=user.email)
    return True
