"""Sign-in, sign-out, language and the user's own API tokens."""

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ..extensions import db
from ..services import ServiceError, accounts, outbox
from .forms import ActionForm, LanguageForm, LoginForm, TokenForm

bp = Blueprint("auth", __name__)


class DigestForm(FlaskForm):
    mail_digest = BooleanField(_l("Hatırlatmaları ayrı ayrı değil, günde bir özet e-postasında al"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr,
                                         current_app.config["LOGIN_MAX_FAILURES"],
                                         current_app.config["LOGIN_WINDOW_SECONDS"],
                                         current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
        except ServiceError as exc:
            db.session.commit()  # keep the failed attempt: throttling counts it
            flash(exc.message, "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()
        login_user(user)
        db.session.commit()
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
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
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
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                flash(exc.message, "error")
                status = 400
        else:
            status = 400
    return render_template("auth/profile.html", form=form, secret=secret, digest_form=_digest_form(),
                           tokens=accounts.tokens_of(current_user)), status


def _digest_form() -> DigestForm:
    return DigestForm(formdata=None, mail_digest=current_user.mail_digest)


@bp.route("/profile/mail", methods=["POST"])
@login_required
def mail_preference():
    form = DigestForm()
    if not form.validate_on_submit():
        flash(_("Güvenlik doğrulaması başarısız oldu."), "error")
        return render_template("auth/profile.html", form=TokenForm(formdata=None), secret=None,
                               digest_form=_digest_form(), tokens=accounts.tokens_of(current_user)), 400
    outbox.set_digest(current_user, bool(form.mail_digest.data))
    db.session.commit()
    flash(_("E-posta tercihiniz kaydedildi."), "success")
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
        db.session.rollback()
        return render_template("error.html", code=404, message=_("Anahtar bulunamadı.")), 404
    db.session.commit()
    flash(_("API anahtarı iptal edildi."), "success")
    return redirect(url_for("auth.profile"))
