"""Settings: defaults, overridden by environment variables, then by instance/config.py.

SETTINGS is the single list of every setting; the README's configuration table
is checked against it by a test. Reading this module does no I/O.
"""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str
    kind: type = str


SETTINGS = [
    Setting("DATABASE_URL", "", "SQLAlchemy database URL. Empty: a SQLite file `instance/zayavka.sqlite`."),
    Setting("REDIS_URL", "", "Redis for background jobs. Empty: an embedded Redis on a unix socket under instance/ (started by `flask serve`)."),
    Setting("SECRET_KEY", "", "Signs sessions and tokens. Empty: generated once into `instance/secret_key`."),
    Setting("BASE_URL", "http://127.0.0.1:5000", "Public address of the site, used for links in e-mails. `https://` also marks cookies Secure."),
    Setting("MAIL_SERVER", "127.0.0.1", "SMTP server for outgoing mail."),
    Setting("MAIL_PORT", 25, "SMTP port.", int),
    Setting("MAIL_USE_TLS", False, "Use STARTTLS.", bool),
    Setting("MAIL_USE_SSL", False, "Use SMTP over TLS.", bool),
    Setting("MAIL_USERNAME", "", "SMTP login, if the server needs one."),
    Setting("MAIL_PASSWORD", "", "SMTP password."),
    Setting("MAIL_DEFAULT_SENDER", "Zayavka <support@zayavka.example>", "From: address of outgoing mail."),
    Setting("DEFAULT_LOCALE", "en", "Language when neither the profile nor the browser chooses one (`en` or `uk`)."),
    Setting("DEFAULT_TIMEZONE", "Europe/Kyiv", "Time zone for users who have not chosen one."),
    Setting("REPORT_ROLLUP_ZONES", "Europe/Kyiv", "Time zones the SLA report's daily roll-up is kept in (the zones your managers read reports in); a report in another zone is counted from the clocks.", list),
    Setting("PASSWORD_MIN_LENGTH", 10, "Shortest password accepted.", int),
    Setting("PASSWORD_RESET_MAX_AGE", 3600, "Seconds a password-reset link stays valid.", int),
    Setting("LOGIN_SLOW_AFTER", 3, "Failed logins for one e-mail after which each new try must wait (1 s, 2 s, 4 s … up to 60 s).", int),
    Setting("LOGIN_LOCK_AFTER", 10, "Failed logins after which the e-mail is locked out.", int),
    Setting("LOGIN_LOCK_MINUTES", 15, "How long a lock-out lasts.", int),
    Setting("SESSION_DAYS", 30, "Longest a login lasts, with or without “Keep me logged in” (the remember-me cookie's lifetime). Logging out ends it at once.", int),
    Setting("CSRF_TIME_LIMIT", 8 * 3600, "Seconds a form stays valid after the page was loaded; logging in or out ends it at once.", int),
    Setting("RATE_LIMITS", True, "Apply the rate limits below (kept in Redis). Each is a count per period, e.g. `30 per minute`; empty: none.", bool),
    Setting("RATE_LIMIT_LOGIN", "30 per minute", "Login attempts from one IP address (failed logins per e-mail are slowed down as well, see `LOGIN_SLOW_AFTER`)."),
    Setting("RATE_LIMIT_PASSWORD_RESET", "10 per hour", "Requests for a reset link, and new passwords set, from one IP address."),
    Setting("RATE_LIMIT_PORTAL_TICKETS", "30 per hour", "New tickets one client contact may open in the portal."),
    Setting("RATE_LIMIT_API", "600 per minute", "API calls with one token."),
    Setting("RATE_LIMIT_API_FAILURES", "60 per minute", "API calls without a working token from one IP address."),
    Setting("PAGE_SIZE", 25, "Rows per page in lists.", int),
    Setting("TICKET_PAGE_SIZE", 50, "Rows per page in the agent workspace.", int),
    Setting("ATTACHMENT_DIR", "", "Where attachment files are kept. Empty: `instance/attachments`."),
    Setting("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, "Largest attachment accepted, in bytes.", int),
    Setting("ATTACHMENT_MAX_FILES", 10, "Most files accepted in one form or API upload.", int),
    Setting("MAX_CONTENT_LENGTH", 0, "Largest request body, in bytes; larger ones get a 413 before they are read. 0: `ATTACHMENT_MAX_BYTES` × `ATTACHMENT_MAX_FILES` + 1 MB.", int),
    Setting("ATTACHMENT_TYPES", "png,gif,jpg,pdf,txt,log,csv,zip", "Accepted attachment kinds, recognized by content.", list),
    Setting("MAIL_SUBJECT_PREFIX", "", "Name in the subject tag of ticket mails: `Acme Support` gives `[Acme Support #INC-42]`; empty gives `[INC-42]`. Incoming mail is matched with or without any prefix."),
    Setting("MAIL_ADDRESSES", "support@zayavka.example", "The desk's own addresses (mail from them is never answered; they are not contacts).", list),
    Setting("MAIL_MAX_BYTES", 25 * 1024 * 1024, "Largest incoming mail processed; a larger one is stored and quarantined as too large.", int),
    Setting("MAIL_UNKNOWN_SENDERS", "quarantine", "Mail from an address that is no contact: `create` (a contact in the organization whose e-mail domain matches, else quarantine), `quarantine` (held for an agent), `register` (answered with a request to register, and held).",),
    Setting("MAIL_AUTO_REPLY_LIMIT", 5, "Automatic answers to one sender per hour, at most.", int),
    Setting("MAIL_RETENTION_DAYS", 90, "Days a discarded mail's raw source is kept.", int),
    Setting("MAIL_CHARSETS", "utf_8,cp1251,koi8_r,koi8_u,cp1252,iso8859_15,gb18030", "Charsets tried for mail text that declares none.", list),
    Setting("MAIL_RETRY_MINUTES", "1,5,30,120", "Minutes before each new attempt to send a mail the SMTP server did not take for now (no connection, a 4xx answer). After the last, or at once on a 5xx answer, the mail is given up and its ticket shows \"mail not delivered\".", list),
    Setting("MAIL_ATTACHMENTS_MAX_BYTES", 10 * 1024 * 1024, "Largest total size of the files of a public reply attached to its mail; the files that do not fit are named in the mail, to be fetched from the portal.", int),
    Setting("MAIL_IMAP", "", "Mailboxes the poller reads: `name=imap[s]://user:password@host:port/FOLDER`, several separated by spaces. Empty: none."),
    Setting("AUTO_CLOSE_DAYS", 7, "Resolved tickets close by themselves after this many days without a client answer.", int),
    Setting("REOPEN_DAYS", 14, "Days after resolution during which a client may reopen a ticket.", int),
    Setting("OUTBOX_KEEP_DAYS", 7, "Days a background job that ran fine stays in the job outbox.", int),
    Setting("KB_REVIEW_BY_OTHER", True, "A knowledge-base article is published by someone other than its author.", bool),
    Setting("KB_EDITORS_TEAM", "", "Name of the team whose members may publish knowledge-base articles besides managers and admins. Empty: managers and admins only."),
    Setting("KB_MAX_ARTICLE_BYTES", 1_000_000, "Largest knowledge-base article body accepted, in bytes of UTF-8.", int),
    Setting("KB_REVIEW_MONTHS", 12, "A published article's “review by” date, when none is given: this many months after publishing.", int),
    Setting("INCIDENT_UPDATE_MINUTES", "30,30,30,30", "Minutes between public updates of a major incident, for P1,P2,P3,P4 (the incident manager is reminded when one is due).", list),
    Setting("PUBLIC_STATUS_PAGE", False, "Show the public page `/status` (no login): provider-wide incidents, without any client's name.", bool),
    Setting("TRUST_PROXY", False, "Trust X-Forwarded-* headers from one reverse proxy (set behind nginx).", bool),
    Setting("LOG_LEVEL", "INFO", "Logging level of the web app and the workers."),
]

LOCALES = ("en", "uk")


def _parse(setting: Setting, raw: str):
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if setting.kind is int:
        return int(raw)
    if setting.kind is list:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def settings_from_env(environ=os.environ) -> dict:
    """The defaults, each replaced by its environment variable when that is set."""
    values = {}
    for s in SETTINGS:
        default = _parse(s, s.default) if s.kind is list else s.default
        values[s.name] = _parse(s, environ[s.name]) if s.name in environ else default
    return values


class TestConfig:
    """What the test suite overrides; the database and Redis come from the environment."""

    TESTING = True
    WTF_CSRF_ENABLED = True
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing: tests create many users
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 0  # a test that sends mail starts an SMTP sink and sets the port
    SECRET_KEY = "test-secret-key"
    RATE_LIMITS = False  # the tests of the limits turn them on
    BASE_URL = "http://zayavka.test"
    REPORT_ROLLUP_ZONES = ["Europe/Kyiv", "UTC"]  # the report fixture's two zones
