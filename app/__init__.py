"""Công khai: public disclosure and citizen feedback for Vietnamese communes.

The packages of app/ form layers; an import only ever points down (tests/test_layers.py checks it):

    app/__init__.py, templating, seeding,   the factory: registers everything, imported by nothing
      site, compression
    api                                     JSON surfaces over the domains' services
    inspection, workspaces                  inspectors' figures, rollups, exports, annual report, pages;
                                            the staff homes (/manage, the leader's overview, administration)
    feedback, search                        the citizens' queue; the notices' full-text index
    notices                                 notices, versions, attachments, QR codes, posters
    accounts                                units, users, sign-in, permissions
    core                                    clock, workdays, phones, sanitize, security, database,
                                            effects (after flush / after commit), ledger (the audit chain)

A lower layer sets off a higher one through a signal (notices.signals), a page part (notices.page_parts)
or an effect (effects); the higher layer's hooks module connects itself in `register_hooks`.
"""

import importlib
import os

from app.resilience import ResilientFlask
from config import CONFIGS, demo_encryption_key

MODEL_MODULES = (
    "app.accounts.models",
    "app.ledger.models",
    "app.outbox.models",
    "app.inspection.models",
    "app.notices.models",
    "app.notices.followers",
    "app.search.models",
    "app.feedback.models",
    "app.consultations.models",
    "app.open311.models",
)
VIEW_MODULES = (
    "app.accounts.views",
    "app.accounts.user_views",
    "app.accounts.account_views",
    "app.accounts.two_factor_views",
    "app.notices.views",
    "app.notices.manage",
    "app.notices.posters",
    "app.notices.follow_views",
    "app.search.views",
    "app.feedback.views",
    "app.feedback.notify_views",
    "app.feedback.reply_views",
    "app.feedback.queue_views",
    "app.feedback.record_views",
    "app.feedback.item_views",
    "app.feedback.identity_views",
    "app.feedback.action_views",
    "app.feedback.admin",
    "app.feedback.deadline_views",
    "app.consultations.public_views",
    "app.consultations.manage_views",
    "app.consultations.outcome_views",
    "app.consultations.rule_views",
    "app.api.views",
    "app.api.search",
    "app.api.feedback",
    "app.api.deadlines",
    "app.api.consultations",
    "app.api.documentation",
    "app.inspection.views",
    "app.inspection.consultation_views",
    "app.workspaces.views",
    "app.workspaces.notification_views",
    "app.api.stats",
    "app.opendata.feed_views",
    "app.opendata.sitemap_views",
)


def create_app(config_name=None, **overrides):
    """Create the application: register extensions, blueprints, error handlers and CLI."""
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    config_class = CONFIGS[config_name]
    if hasattr(config_class, "check"):
        config_class.check()
    app = ResilientFlask(
        __name__, template_folder="../templates", static_folder="../static", instance_relative_config=True
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    # Vietnamese text as UTF-8, not \uXXXX escapes: a third of the bytes on slow networks.
    app.json.ensure_ascii = False
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("DATA_ENCRYPTION_KEY") and app.config.get("MAKE_DEMO_ENCRYPTION_KEY"):
        app.config["DATA_ENCRYPTION_KEY"] = demo_encryption_key(app.instance_path)

    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_compression(app)
    register_cli(app)
    register_tasks(app)
    register_startup_checks(app)
    return app


def register_startup_checks(app):
    """Production serves only once every province has a key sealing denouncers' identities."""
    from app.feedback.unit_keys import init_identity_check

    init_identity_check(app)


def register_tasks(app):
    from app.tasks import init_tasks

    init_tasks(app)


def register_extensions(app):
    from flask_babel import lazy_gettext

    from app import database  # noqa: F401  (installs the SQLite engine hooks)
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)

    for module in MODEL_MODULES:
        importlib.import_module(module)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"


def register_blueprints(app):
    from app.accounts import blueprint as accounts_blueprint
    from app.api import blueprint as api_blueprint
    from app.consultations import blueprint as consultations_blueprint
    from app.feedback import blueprint as feedback_blueprint
    from app.inspection import blueprint as audit_blueprint
    from app.notices import blueprint as notices_blueprint
    from app.opendata import blueprint as opendata_blueprint
    from app.search import blueprint as search_blueprint
    from app.site import blueprint as site_blueprint
    from app.workspaces import blueprint as workspaces_blueprint

    # Importing a view module attaches its routes to its blueprint.
    for module in VIEW_MODULES:
        importlib.import_module(module)
    app.register_blueprint(accounts_blueprint)
    app.register_blueprint(notices_blueprint)
    app.register_blueprint(search_blueprint)
    app.register_blueprint(feedback_blueprint)
    app.register_blueprint(consultations_blueprint)
    app.register_blueprint(audit_blueprint)
    app.register_blueprint(workspaces_blueprint)
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    app.register_blueprint(opendata_blueprint)
    app.register_blueprint(site_blueprint)

    from app.open311 import init_open311

    init_open311(app)  # /open311/v2, /manage/admin/apikeys, flask apikeys


def register_hooks(app):
    """Let each higher layer follow the layers below it (signals, page parts, effects)."""
    from app.consultations.hooks import register_consultation_hooks
    from app.effects import init_effects
    from app.feedback.hooks import register_feedback_hooks
    from app.inspection.hooks import register_inspection_hooks
    from app.notices.follow_messages import register_follow_hooks
    from app.search.hooks import register_search_hooks

    init_effects(app)
    register_follow_hooks(app)
    register_search_hooks(app)
    register_feedback_hooks(app)
    register_consultation_hooks(app)
    register_inspection_hooks(app)


def register_template_helpers(app):
    from app.opendata.links import init_head_links
    from app.templating import init_templating

    init_templating(app)
    init_head_links(app)


def register_security_headers(app):
    from app.security import init_security_headers

    init_security_headers(app)


def register_compression(app):
    from app.compression import init_compression

    init_compression(app)


def register_error_handlers(app):
    from app.errors import init_error_handlers
    from app.resilience import init_resilience
    from app.strict_input import init_strict_input

    init_error_handlers(app)
    init_strict_input(app)
    init_resilience(app)


def register_cli(app):
    from app.accounts.cli import register_account_commands
    from app.backups.cli import register_backup_commands
    from app.feedback.cli import register_feedback_commands
    from app.inspection.cli import register_audit_commands
    from app.notices.cli import register_notice_commands
    from app.opendata.cli import register_opendata_commands
    from app.search.cli import register_search_commands
    from app.seeding import register_seed_command

    register_account_commands(app)
    register_notice_commands(app)
    register_search_commands(app)
    register_audit_commands(app)
    register_feedback_commands(app)
    register_seed_command(app)
    register_opendata_commands(app)
    register_backup_commands(app)
