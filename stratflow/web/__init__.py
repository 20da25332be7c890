"""Blueprints per area; views stay thin: parse input, call a service, render. Each request is one
transaction, committed once by unit_of_work.commit_once (views never commit)."""

from flask import make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def register_blueprints(app) -> None:
    from . import inputs

    inputs.install_converters(app)  # before the routes: they take their converters when added
    inputs.init_app(app)
    from . import admin, api, auth, calendar_feed, inbox, instances, labels, maillog, municipalities

    labels.init_app(app)
    from . import api_plan  # noqa: F401 - adds the plan's routes to the API blueprint (api.bp)

    for module in (auth, inbox, instances, municipalities, admin, api, maillog, calendar_feed):
        app.register_blueprint(module.bp)
    from .instance_actions import bp as instance_actions_bp
    app.register_blueprint(instance_actions_bp)
    from .cockpit import bp as cockpit_bp
    app.register_blueprint(cockpit_bp)
    from .documents import bp as documents_bp
    app.register_blueprint(documents_bp)
    from .attachments import bp as attachments_bp
    app.register_blueprint(attachments_bp)
    from .plan import bp as plan_bp
    app.register_blueprint(plan_bp)
    from .monitoring import bp as monitoring_bp
    app.register_blueprint(monitoring_bp)
    from .performance import bp as performance_bp
    app.register_blueprint(performance_bp)
    from .cycle import bp as cycle_bp
    app.register_blueprint(cycle_bp)
    from .public import bp as public_bp
    app.register_blueprint(public_bp)
    from .unit_of_work import wrap_views
    wrap_views(app)

    def page(code, message):
        if request.path.startswith("/p/") and code == 404:  # the public pages' own plain 404 (web/public.py)
            from .public import not_found
            return not_found(request.path.endswith(".json"))
        if request.path.startswith("/api/"):
            from .api import problem
            return problem(code, message)
        return render_template("error.html", code=code, message=message), code

    app.register_error_handler(404, lambda e: page(404, _("Aradığınız sayfa bulunamadı.")))
    app.register_error_handler(403, lambda e: page(403, _("Bu işlem için yetkiniz yok.")))
    def method_not_allowed(exc):
        response = make_response(page(405, _("Bu istek yöntemi desteklenmiyor.")))
        if getattr(exc, "valid_methods", None):  # RFC 9110: a 405 names what is allowed
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    app.register_error_handler(405, method_not_allowed)
    app.register_error_handler(413, lambda e: page(413, _("Yüklenen dosya çok büyük.")))
    app.register_error_handler(CSRFError, lambda e: page(
        400, _("Form süresi doldu ya da güvenlik doğrulaması başarısız oldu. Sayfayı yenileyip tekrar deneyin.")))
    from ..services import ServiceError

    def service_error(exc):
        status = {"not_found": 404, "conflict": 409, "validation": 422}.get(exc.code, 400)
        return page(status, exc.message)

    app.register_error_handler(ServiceError, service_error)
    app.register_error_handler(500, lambda e: page(500, _("Beklenmeyen bir hata oluştu; işlem kaydedilmedi.")))
