"""How the portal teaches a good ticket: categories with what to attach, and
the checks that tell a vague title from a useful one.

The defaults ship here, translated; an admin's PortalCategory row overrides a
default's texts per language, hides it, or adds a category of its own."""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.portal.models import PortalCategory

DEFAULTS = (
    ("network", _l("Network: unreachable, slow, packet loss"),
     _l("Paste the output of ping, traceroute or mtr to the server, run from where the problem shows, "
        "and say from which address you ran it.")),
    ("disk", _l("Disk or storage"),
     _l("Attach the SMART data of the disk (smartctl -a /dev/sdX) and the output of df -h.")),
    ("memory", _l("Memory or the server freezes"),
     _l("Attach the results of a memory test (memtest86+ or memtester) and the kernel log around the freeze.")),
    ("panel", _l("Control panel or settings"),
     _l("Attach a screenshot of the page or setting, with the error message visible.")),
    ("browser", _l("A site works in one browser only"),
     _l("Name the browser and its version, and attach a screenshot of what you see.")),
    ("reboot", _l("Something changed after a reboot"),
     _l("Paste the relevant system log lines from the boot (journalctl -b, or /var/log/syslog) "
        "and say when the reboot happened.")),
    ("other", _l("Something else"),
     _l("Say what you expected, what happened instead, and since when.")),
)

# Titles that say nothing about the problem, in the languages we ship.
VAGUE_WORDS = frozenset(str.split("""
help urgent asap problem problems issue issues error broken down not working doesnt doesn't work works
question please pls fix support server site trouble важливо терміново допоможіть допомога проблема
помилка не працює працює питання будь ласка сервер сайт
"""))
WORD_RE = re.compile(r"[\w'’.-]+", re.UNICODE)


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    hint: str


def _text(row: PortalCategory | None, locale: str, name: str, default) -> str:
    if row is not None:
        value = ((row.texts or {}).get(locale) or {}).get(name, "").strip()
        if value:
            return value
    return str(default) if default is not None else ""


def categories(locale: str, include_hidden: bool = False) -> list[Category]:
    """The categories a client chooses from, in order, in this language."""
    rows = {row.key: row for row in db.session.scalars(sa.select(PortalCategory))}
    with force_locale(locale):
        return _merged(rows, locale, include_hidden)


def _merged(rows: dict, locale: str, include_hidden: bool) -> list[Category]:
    result = []
    for position, (key, label, hint) in enumerate(DEFAULTS):
        row = rows.pop(key, None)
        if row is None or row.active or include_hidden:
            result.append((row.position if row else position * 10, Category(
                key, _text(row, locale, "label", label), _text(row, locale, "hint", hint))))
    for row in rows.values():
        if row.active or include_hidden:
            result.append((row.position, Category(row.key, _text(row, locale, "label", row.key),
                                                  _text(row, locale, "hint", None))))
    return [category for _, category in sorted(result, key=lambda pair: pair[0])]


def default_texts(key: str, locale: str) -> dict | None:
    """The shipped label and hint of a default category in a language; None for an admin's own key."""
    for default_key, label, hint in DEFAULTS:
        if default_key == key:
            with force_locale(locale):
                return {"label": str(label), "hint": str(hint)}
    return None


def title_words(title: str) -> list[str]:
    return WORD_RE.findall(title or "")


def is_vague(title: str) -> bool:
    """Nothing in the title but words like "help", "urgent", "not working"."""
    words = [w.lower().strip(".'’-") for w in title_words(title)]
    return bool(words) and all(w in VAGUE_WORDS or not w for w in words)
