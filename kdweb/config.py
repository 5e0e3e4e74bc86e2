"""Configuration read from the environment, with development defaults that just work."""
import os
from datetime import timedelta

DEV_SECRET = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None → SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = int(os.environ.get("KDWEB_MAX_UPLOAD_MB", "20")) * 1024 * 1024
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("KDWEB_IDLE_MINUTES", "60")))
    SESSION_REFRESH_EACH_REQUEST = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("KDWEB_ENV", "development") == "production"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    KDWEB_ENV = os.environ.get("KDWEB_ENV", "development")
    KDWEB_TIMEZONE = "Asia/Ho_Chi_Minh"
    PASSWORD_HASH_METHOD = "scrypt"
    DISTRICT_NAME = os.environ.get("KDWEB_DISTRICT_NAME", "Quận ủy Ba Đình")
    # How many reverse proxies stand in front of the app; their X-Forwarded-For/-Proto are trusted.
    KDWEB_PROXY_COUNT = int(os.environ.get("KDWEB_PROXY_COUNT", "0"))
    # E-mail notifications: off unless an SMTP server is named.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "")
    # Login throttle (services/login_throttle.py): free tries per account from one address and per address
    # (0 switches the per-address bucket off, e.g. when every user comes through one NAT address), the first
    # lock after them (doubling at each further failure, at most 15 minutes), and the window that forgets.
    KDWEB_LOGIN_MAX_PER_ACCOUNT = int(os.environ.get("KDWEB_LOGIN_MAX_PER_ACCOUNT", "5"))
    KDWEB_LOGIN_MAX_PER_ADDRESS = int(os.environ.get("KDWEB_LOGIN_MAX_PER_ADDRESS", "20"))
    KDWEB_LOGIN_FIRST_DELAY_SECONDS = int(os.environ.get("KDWEB_LOGIN_FIRST_DELAY_SECONDS", "30"))
    KDWEB_LOGIN_WINDOW_MINUTES = int(os.environ.get("KDWEB_LOGIN_WINDOW_MINUTES", "15"))
    # The job queue (kdweb/queue.py): unset = a SQLite queue run by the web process; redis://… in production.
    KDWEB_QUEUE = os.environ.get("KDWEB_QUEUE", "")
    KDWEB_QUEUE_NAME = os.environ.get("KDWEB_QUEUE_NAME", "kdweb")
    KDWEB_JOB_HEARTBEAT_SECONDS = float(os.environ.get("KDWEB_JOB_HEARTBEAT_SECONDS", "60"))
    KDWEB_JOB_RETRY_DELAY_SECONDS = float(os.environ.get("KDWEB_JOB_RETRY_DELAY_SECONDS", "10"))
    KDWEB_JOB_QUEUE_WAIT_SECONDS = float(os.environ.get("KDWEB_JOB_QUEUE_WAIT_SECONDS", str(15 * 60)))
    # The workers' daily reminder run, HH:MM in UTC ("" = none; `flask remind` runs it by hand), and how long the
    # district checks wait after a change before they are computed again (changes within it are computed once).
    KDWEB_REMIND_AT = os.environ.get("KDWEB_REMIND_AT", "00:30")
    KDWEB_CHECKS_DELAY_SECONDS = float(os.environ.get("KDWEB_CHECKS_DELAY_SECONDS", "20"))
    # The sandbox that reads every uploaded or stored file (kdweb/isolation.py, docs/reliability.md).
    KDWEB_SANDBOX_MEMORY_MB = int(os.environ.get("KDWEB_SANDBOX_MEMORY_MB", "1024"))
    KDWEB_SANDBOX_CPU_SECONDS = int(os.environ.get("KDWEB_SANDBOX_CPU_SECONDS", "30"))
    KDWEB_SANDBOX_WALL_SECONDS = float(os.environ.get("KDWEB_SANDBOX_WALL_SECONDS", "60"))
    KDWEB_SANDBOX_OUTPUT_MB = int(os.environ.get("KDWEB_SANDBOX_OUTPUT_MB", "64"))
    KDWEB_SANDBOX_WORKERS = int(os.environ.get("KDWEB_SANDBOX_WORKERS", "2"))


def normalise_database_url(url: str) -> str:
    """Let operators write postgres:// or postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class InsecureSecretError(RuntimeError):
    pass


def check_production_secret(config) -> None:
    if config.get("KDWEB_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET or len(secret) < 32:
        raise InsecureSecretError(
            "KDWEB_ENV=production needs a real SECRET_KEY (at least 32 random characters)."
        )
