"""Sign-in wiring and security headers."""

from flask import g
from flask_babel import lazy_gettext as _l

from .extensions import login_manager

HSTS = "max-age=31536000; includeSubDomains"


def init_app(app) -> None:
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:  # the client's own address and scheme, as the trusted proxies forward them
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    if app.config.get("HTTPS"):  # also when HTTPS comes from create_app(config), not the environment
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Devam etmek için giriş yapın.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id):
        # One query; None (signed out) once the user is inactive or their sessions were ended.
        from .services.accounts import user_for_session
        return user_for_session(session_id)

    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'")
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if getattr(g, "api_request", False):
            response.headers["Cache-Control"] = "no-store"
        return response
