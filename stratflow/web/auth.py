"""Sign-in, sign-out, language and the user's own API tokens."""

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField

from ..services import ServiceError, accounts, outbox, throttle
from . import unit_of_work
from .forms import ActionForm, LanguageForm, LoginForm, TokenForm

bp = Blueprint("auth", __name__)


class DigestForm(FlaskForm):
    mail_digest = BooleanField(_l("Hatırlatmaları ayrı ayrı değil, günde bir özet e-postasında al"))


class PasswordForm(FlaskForm):
    """Only the CSRF token is validated by the form; the service judges the passwords."""
    current_password = PasswordField(_l("Şu anki parola"), render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Yeni parola (8-128 karakter)"), render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(_l("Yeni parola (tekrar)"), render_kw={"autocomplete": "new-password"})


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr,
                                         throttle.Limits.from_config(current_app.config))
        except ServiceError as exc:
            unit_of_work.keep()  # the failed attempt is recorded: throttling counts it
            flash(exc.message, "error")
            if isinstance(exc, throttle.Throttled):
                return render_template("auth/login.html", form=form), 429, {"Retry-After": str(exc.seconds)}
            return render_template("auth/login.html", form=form), 401
        session.clear()
        login_user(user)
        return redirect(same_site_path(request.args.get("next")) or url_for("inbox.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def same_site_path(target) -> str | None:
    """`target` when it is a path on this site, else None.

    Browsers drop tabs and line breaks inside a URL and read a backslash as a slash, so "/<TAB>/evil"
    or "/<backslash>evil" would leave the site: any control, format or space character and any
    backslash is refused, and what is left must have no scheme and no host."""
    if not isinstance(target, str) or not target.startswith("/") or "\\" in target:
        return None
    if any(unicodedata.category(c)[0] in "CZ" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@bp.route("/logout", methods=["POST"])
def logout():
    """Logging out ends every session of the user, here and on every other device: a copied
    session cookie is worthless afterwards. API tokens stay (they are revoked on the profile)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object(), current_user, "logout", revoke_tokens=False)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
        session["locale"] = form.locale.data
    target = request.referrer or url_for("inbox.index")
    return redirect(target if target.startswith(request.host_url) else url_for("inbox.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = TokenForm()
    secret = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _token, secret = accounts.create_token(current_user, form.name.data)
            except ServiceError as exc:
                unit_of_work.discard()
                flash(exc.message, "error")
                status = 400
        else:
            status = 400
    return _profile_page(status, form=form, secret=secret)


def _profile_page(status: int = 200, headers: dict | None = None, **parts):
    context = {"form": TokenForm(formdata=None), "secret": None, "password_form": PasswordForm(formdata=None),
               "digest_form": DigestForm(formdata=None, mail_digest=current_user.mail_digest)}
    context.update(parts)
    return render_template("auth/profile.html", tokens=accounts.tokens_of(current_user), **context), status, \
        headers or {}


@bp.route("/profile/mail", methods=["POST"])
@login_required
def mail_preference():
    form = DigestForm()
    if not form.validate_on_submit():
        flash(_("Güvenlik doğrulaması başarısız oldu."), "error")
        return _profile_page(400)
    outbox.set_digest(current_user, bool(form.mail_digest.data))
    flash(_("E-posta tercihiniz kaydedildi."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """The user's own change: this session stays, every other one ends, API tokens stay."""
    form = PasswordForm()
    if not form.validate_on_submit():
        flash(_("Güvenlik doğrulaması başarısız oldu."), "error")
        return _profile_page(400, password_form=form)
    user = current_user._get_current_object()
    try:
        accounts.change_own_password(user, form.current_password.data, form.new_password.data,
                                     form.confirm_password.data, request.remote_addr,
                                     throttle.Limits.from_config(current_app.config))
    except ServiceError as exc:
        if exc.field_errors.get("current_password"):
            unit_of_work.keep()  # a wrong current password counts like a failed sign-in
        else:
            unit_of_work.discard()
        flash(exc.message, "error")
        for key, message in exc.field_errors.items():
            getattr(form, key).errors = [message]
        if isinstance(exc, throttle.Throttled):
            return _profile_page(429, {"Retry-After": str(exc.seconds)}, password_form=form)
        return _profile_page(422, password_form=form)
    login_user(user)  # this session carries the new generation; the others no longer match
    flash(_("Parolanız değiştirildi. Diğer cihazlardaki oturumlarınız kapatıldı; API anahtarlarınız "
            "geçerliliğini koruyor."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    if not ActionForm().validate_on_submit():
        flash(_("Güvenlik doğrulaması başarısız oldu."), "error")
        return redirect(url_for("auth.profile"))
    try:
        accounts.revoke_token(current_user, token_id)
    except ServiceError:
        return render_template("error.html", code=404, message=_("Anahtar bulunamadı.")), 404
    flash(_("API anahtarı iptal edildi."), "success")
    return redirect(url_for("auth.profile"))
