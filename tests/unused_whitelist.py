"""Names the unused-name check (tests/test_unused_names.py) must not report, each with why it is used after all.

Written in vulture's whitelist form: each line uses a name, nothing here runs.
"""
# ruff: noqa
_ = object()

# Flask reads its settings from the config class by name.
SECRET_KEY, SQLALCHEMY_DATABASE_URI, SQLALCHEMY_ENGINE_OPTIONS, MAX_CONTENT_LENGTH, PERMANENT_SESSION_LIFETIME
SESSION_REFRESH_EACH_REQUEST, SESSION_COOKIE_HTTPONLY, SESSION_COOKIE_SAMESITE, SESSION_COOKIE_SECURE
WTF_CSRF_TIME_LIMIT, KDWEB_ENV, KDWEB_TIMEZONE, PASSWORD_HASH_METHOD, DISTRICT_NAME, KDWEB_PROXY_COUNT
KDWEB_SANDBOX_MEMORY_MB, KDWEB_SANDBOX_CPU_SECONDS, KDWEB_SANDBOX_WALL_SECONDS, KDWEB_SANDBOX_OUTPUT_MB
KDWEB_SANDBOX_WORKERS
KDWEB_LOGIN_MAX_PER_ACCOUNT, KDWEB_LOGIN_MAX_PER_ADDRESS, KDWEB_LOGIN_FIRST_DELAY_SECONDS, KDWEB_LOGIN_WINDOW_MINUTES
MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER
KDWEB_QUEUE, KDWEB_QUEUE_NAME, KDWEB_JOB_HEARTBEAT_SECONDS, KDWEB_JOB_RETRY_DELAY_SECONDS, KDWEB_JOB_QUEUE_WAIT_SECONDS
KDWEB_REMIND_AT, KDWEB_CHECKS_DELAY_SECONDS

# Werkzeug's routing reads a URL converter's pattern from its `regex` attribute.
_.regex

# Werkzeug writes these response cache-control attributes into the Cache-Control header.
_.private, _.no_cache

# Huey's Consumer.start() calls the method kdweb.queue replaces (the web server owns the signal handlers).
_._set_signal_handlers

# The login throttle's settings, read with current_app.config.get(...).
KDWEB_LOGIN_MAX_PER_ACCOUNT, KDWEB_LOGIN_MAX_PER_ADDRESS, KDWEB_LOGIN_FIRST_DELAY_SECONDS, KDWEB_LOGIN_WINDOW_MINUTES

# werkzeug's routing reads a converter's regex.
regex

# Rule set parameters of the scored rule set (qd366-hd43), read through RuleSet.share("...") and the parameter table.
score_subgroup_maxima, band_mode, htxsnv_on_time_share, htxsnv_exceeded_share, htxsnv_remedied_share
httnv_on_time_share, htnv_done_share, htnv_late_share, khtnv_failed_share, khtnv_unit_done_share
khtnv_led_units_share, khtnv_low_confidence_share

# The superior body's settings, filled by name from the settings table (Superior.with_values).
scope_name

# Set with dataclasses.replace for the report's notes (which rule set last year's figures came from).
previous_rule_set_id

# Python reads a class's annotations (the score fields build the record classes); flask.g attribute read with g.get.
_.__annotations__, _._kdweb_superior

# Flask-Login reads these from the login manager, the user and the session.
_.login_view, _.login_message, _.login_message_category, _.session_protection, _.permanent
_.is_active, _.get_id

# SQLAlchemy calls a TypeDecorator's hooks by name.
impl, cache_ok, process_bind_param, process_result_value

# Enum members and values: the vocabulary, read by value from the database and the workbook.
_._value_, SUB_COMMITTEE, STAFF, REVIEWER, ADMIN, KHAI_TRU, GRASSROOTS_CELL

# Columns and relationships: the schema (migrations/ creates them); data written for the audit trail and reports.
finished_at, generated_at, generated_by_id, submitted_by_id, reviewer_id, leads_unit, latest_upload, valid_upload
# Submission.warnings_acknowledged: the submitter ticked "Tôi đã xem các cảnh báo" (services/workflow.submit writes it).
warnings_acknowledged

# Record and count fields filled by name (rows.py parsers, Counts.get(measure), demo asdict) or shown to users.
grassroots_code, maternity_leave_months, post_group, party_member, htnv, khtnv, latest_version

# Rule set parameters read through RuleSet.share("...").
org_httnv_floor_share, org_httnv_share, org_htxsnv_share

# openpyxl reads what these set on its objects when it saves the workbook.
_.showGridLines, _.lockStructure, _.creator, _.errorTitle, _.formatColumns, _.formatRows, _.horizontalCentered
_.print_area, _.data_type, _.quotePrefix, _.showErrorMessage, _.freeze_panes, _.print_title_rows, _.autoFilter
_.paperSize, _.orientation, _.fitToWidth, _.fitToHeight, _.fitToPage

# expat calls the handlers set on its parser.
_.StartDoctypeDeclHandler, _.EntityDeclHandler, _.StartElementHandler, _.EndElementHandler, _.CharacterDataHandler

# flask.g attribute, read back with g.get("_visible_unit_ids").
_._visible_unit_ids

# The rule set's share parameters are read by name (RuleSet.share(name), rules/checks_score.thresholds) and every
# parameter is listed by name on the cycle's admin page (rules/parameters.py).
_.score_subgroup_maxima, _.band_mode, _.htxsnv_on_time_share, _.htxsnv_exceeded_share, _.htxsnv_remedied_share
_.httnv_on_time_share, _.htnv_done_share, _.htnv_late_share, _.khtnv_failed_share, _.khtnv_unit_done_share
_.khtnv_led_units_share, _.khtnv_low_confidence_share

# dataclasses read a class's __annotations__: field_registry.with_fields adds the declared fields to it.
_.__annotations__

# The superior read once per request is kept on flask.g and read back with g.get("_kdweb_superior").
_._kdweb_superior

# SQLAlchemy's declarative mapping reads a mixin's __table_args__ (kdweb/models/base.py).
__table_args__

# Written by keyword when a workbook is issued (services/workbooks.py) and kept as the record of the file issued.
file_sha256

# Python calls a module's __getattr__ for a name it lacks (PEP 562): kdweb.excel loads its names on first use.
__getattr__

# The migration hroster_revision (migrations/ is not scanned) takes the roster revision's triggers away on downgrade.
uninstall
