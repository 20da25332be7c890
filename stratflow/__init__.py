"""stratflow: the statutory strategic-planning process, orchestrated."""

from flask import Flask

from . import config as config_module


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=False)
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)

    from . import cli, database, i18n, security
    from .extensions import csrf, db, login_manager, mail, migrate
    from .web import register_blueprints

    database.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app
