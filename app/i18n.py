"""Language and time zone of the current request, and the template helpers that use them."""

import functools
import re
from datetime import UTC, datetime

from babel import dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import format_datetime, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user

from app import timeutil
from app.config import LOCALES

# Shown in the language pickers in their own language, never translated.
LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}


def select_locale() -> str:
    if not has_request_context():  # CLI and jobs choose with flask_babel.force_locale()
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    return request.accept_languages.best_match(LOCALES) or current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["DEFAULT_TIMEZONE"]
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


class _Fields(dates.DateTimeFormat):
    """Babel's fields of a date pattern, with the numeric ones (the whole of a short
    date and time) answered directly; every other field is Babel's own."""

    _FAST = {
        "d": lambda v: str(v.day), "dd": lambda v: f"{v.day:02d}", "M": lambda v: str(v.month),
        "MM": lambda v: f"{v.month:02d}", "yy": lambda v: f"{v.year % 100:02d}", "y": lambda v: str(v.year),
        "yyyy": lambda v: f"{v.year:04d}", "H": lambda v: str(v.hour), "HH": lambda v: f"{v.hour:02d}",
        "h": lambda v: str(v.hour % 12 or 12), "hh": lambda v: f"{v.hour % 12 or 12:02d}",
        "mm": lambda v: f"{v.minute:02d}", "ss": lambda v: f"{v.second:02d}",
    }

    def __getitem__(self, name):
        fast = self._FAST.get(name)
        if fast:
            return fast(self.value)
        if name == "a":  # AM/PM, the English short time's last field
            return _am_pm(self.locale)[self.value.hour >= 12]
        return super().__getitem__(name)


@functools.lru_cache(maxsize=16)
def _am_pm(locale) -> tuple[str, str]:
    names = dates.get_period_names("abbreviated", "format", locale)
    return names["am"], names["pm"]


@functools.lru_cache(maxsize=64)
def _pattern(locale, fmt: str) -> dates.DateTimePattern:
    """The locale's whole date-and-time pattern for a named format ("short" …), parsed once."""
    if fmt not in ("full", "long", "medium", "short"):
        return dates.parse_pattern(fmt)
    combined = dates.get_datetime_format(fmt, locale=locale)
    combined = combined.replace("{1}", dates.get_date_format(fmt, locale=locale).pattern)
    return dates.parse_pattern(combined.replace("{0}", dates.get_time_format(fmt, locale=locale).pattern))


def format_moment(value, fmt: str = "medium", zone: str | None = None) -> str:
    """A datetime in the reader's zone (or the IANA ``zone`` named, e.g. a calendar's) and language:
    what Babel's format_datetime gives, but with the locale, zone and pattern looked up once per
    request and numeric fields formatted directly — lists format hundreds of these."""
    if not value:
        return ""
    if not has_request_context():
        return format_datetime(value, fmt) if zone is None else dates.format_datetime(
            value, fmt, tzinfo=dates.get_timezone(zone), locale=get_locale())
    if "zayavka_dt" not in g:
        g.zayavka_dt = (get_locale(), get_timezone())
    locale, reader_zone = g.zayavka_dt
    local = value.astimezone(dates.get_timezone(zone) if zone else reader_zone)
    return _pattern(locale, fmt).format % _Fields(local, locale)


def format_day(value, fmt: str = "medium") -> str:
    """A calendar date (no zone: a date is the same everywhere) in the reader's language;
    ``fmt`` is a babel format or pattern ("short", "long", "EEE" for the weekday)."""
    if not value:
        return ""
    return dates.format_date(value, fmt, locale=get_locale())


AGE_STYLES = {"short": (1, "narrow"), "long": (1.5, "long")}


def format_age(value, style: str = "short") -> str:
    """How long ago, in the reader's language: ``short`` "3d", "5h" (a ticket's age in a list),
    ``long`` "3 days", "2 hours" (in a sentence: "opened 3 days ago"). The one ``age`` filter."""
    if not value:
        return ""
    threshold, fmt = AGE_STYLES[style]
    return elapsed(timeutil.utcnow() - value, threshold=threshold, fmt=fmt)


_ELAPSED: dict[tuple, str] = {}
ELAPSED_KEPT = 20_000  # (language, threshold, format, unit, count): a few hundred in practice


def elapsed(delta, *, threshold: float = 0.85, fmt: str = "long") -> str:
    """``babel.dates.format_timedelta(delta, threshold=…, format=…)`` in the request's language.
    Babel's text depends only on the unit and the rounded count it picks (found here the way
    Babel finds them), so each text is made once per process: a list shows an age per row,
    and Babel's plural rules cost more than the rest of the row."""
    seconds = abs(int(delta.days * 86400 + delta.seconds))
    unit, count = "second", seconds
    for unit, per_unit in dates.TIMEDELTA_UNITS:
        value = seconds / per_unit
        if value >= threshold or unit == "second":
            count = int(round(max(1, value) if unit == "second" and value > 0 else value))
            break
    locale = get_locale()
    key = (locale, threshold, fmt, unit, count)
    text = _ELAPSED.get(key)
    if text is None:
        text = dates.format_timedelta(delta, threshold=threshold, format=fmt, locale=locale)
        if len(_ELAPSED) < ELAPSED_KEPT:
            _ELAPSED[key] = text
    return text


def _catalog():
    """The translations of the request's language for templates' ``_()``: Flask-Babel's own look-up
    walks its context three times per string (a page translates 100–200); this keeps the catalog
    on that context beside the locale it belongs to, so force_locale() (mails in the reader's
    language) still switches it."""
    if has_app_context():
        babel_context = g.get("_flask_babel")
        kept = getattr(babel_context, "zayavka_catalog", None)
        if kept is not None and kept[0] is getattr(babel_context, "babel_locale", None):
            return kept[1]
        translations = get_translations()
        babel_context = g.get("_flask_babel")
        if babel_context is not None and getattr(babel_context, "babel_locale", None) is not None:
            babel_context.zayavka_catalog = (babel_context.babel_locale, translations)
        return translations
    return get_translations()


def _lazy_text(string: str, **variables) -> str:
    text = _catalog().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext (the same LazyString), made text through the catalog kept per
    language (``_catalog``): a page turns 50–150 lazy labels into text, and Flask-Babel's own
    look-up walks its context three times for each."""
    return LazyString(_lazy_text, string, **variables)


_l = lazy_gettext


_LABELS: dict[tuple[int, str], tuple[dict, dict[str, str]]] = {}


def labels(mapping: dict) -> dict[str, str]:
    """A module's dict of lazy labels (STATUS_LABELS…) as text in the request's language, made
    once per language and process: a page shows a few of them, and each lazy string costs
    Flask-Babel's whole look-up every time it becomes text. For constants only (kept by id)."""
    key = (id(mapping), str(get_locale()))
    kept = _LABELS.get(key)
    if kept is None or kept[0] is not mapping:
        kept = _LABELS[key] = (mapping, {k: str(v) for k, v in mapping.items()})
    return kept[1]


def format_window(start, end, fmt: str = "short") -> str:
    """A time window in the reader's zone and language: "12/5/26, 3:00 AM – 5:00 AM" (the end's
    date only when it is another day there)."""
    if not start or not end:
        return ""
    zone = get_timezone()
    if start.astimezone(zone).date() == end.astimezone(zone).date():
        return f"{format_moment(start, fmt)} – {format_moment(end, dates.get_time_format(fmt, get_locale()).pattern)}"
    return f"{format_moment(start, fmt)} – {format_moment(end, fmt)}"


# Moments the history keeps as text (so that it reads the same in a CSV or a log), shown here
# in the reader's zone and language: a change's planned window, an SLA's due times, an escalation.
_STORED_WINDOW = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d) – (\d{4}-\d\d-\d\d \d\d:\d\d) UTC$")
_STORED_DUE = re.compile(r"^first response (\S+), resolution (\S+)$")
_STORED_ESCALATION = re.compile(r"^(first_response|next_response|resolution) (\d+)%$")
_TARGETS = {"first_response": _l("First response"), "next_response": _l("Next response"),
            "resolution": _l("Resolution")}


def _stored_moment(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text.replace(" UTC", ""))
    except ValueError:
        return "—"
    return format_moment(moment if moment.tzinfo else moment.replace(tzinfo=UTC), "short")


def format_event_value(value, field: str):
    """An event's stored value as the reader reads it; values of other fields pass unchanged."""
    if not isinstance(value, str):
        return value
    if field == "planned_window" and (found := _STORED_WINDOW.match(value)):
        start, end = (datetime.fromisoformat(part).replace(tzinfo=UTC) for part in found.groups())
        return format_window(start, end)
    if field == "sla" and (found := _STORED_DUE.match(value)):
        return _("first response by %(first)s, resolution by %(resolution)s",
                 first=_stored_moment(found[1]), resolution=_stored_moment(found[2]))
    if field == "escalation" and (found := _STORED_ESCALATION.match(value)):
        return _("%(target)s: %(percent)s%% of the time used", target=_TARGETS[found[1]], percent=found[2])
    return value


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["window"] = format_window
    app.jinja_env.filters["event_value"] = format_event_value
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["age"] = format_age
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with the catalog looked up once per language
        gettext=lambda s: _catalog().ugettext(s), ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n), newstyle=True)

    @app.context_processor
    def language_context():
        return {"language_names": LANGUAGE_NAMES, "current_locale": str(get_locale())}
