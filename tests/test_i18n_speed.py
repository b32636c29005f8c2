"""The fast paths of app/i18n.py say exactly what Babel and Flask-Babel say: ages ("3 days")
made once per (language, unit, count), dates with their numeric fields and AM/PM written
directly, templates' _(), lazy labels and label dicts with the catalog kept per language."""
from datetime import UTC, datetime, timedelta

import pytest
from babel import dates
from flask import render_template_string
from flask_babel import force_locale

from app.i18n import elapsed, format_moment, labels, lazy_gettext
from app.tickets.workflow import STATUS_LABELS

DELTAS = [timedelta(seconds=s) for s in (0, 1, 29, 59, 60, 89, 90, 91, 3599, 3600, 5399, 5400, 86399, 86400,
                                         129600, 129601, 6 * 86400, 7 * 86400, 30 * 86400, 400 * 86400)]
DELTAS += [timedelta(hours=h, minutes=m) for h in (1, 23, 24, 35, 36, 47) for m in (0, 29, 30, 31, 59)]
DELTAS += [-d for d in DELTAS[:8]]


@pytest.mark.parametrize("locale", ["en", "uk"])
@pytest.mark.parametrize("threshold, fmt", [(1.5, "long"), (1, "narrow"), (0.85, "short")])
def test_elapsed_says_what_babel_says(app, locale, threshold, fmt):
    with app.test_request_context(), force_locale(locale):
        for _round in range(2):  # the second round comes from what the first kept
            for delta in DELTAS:
                assert elapsed(delta, threshold=threshold, fmt=fmt) == dates.format_timedelta(
                    delta, threshold=threshold, format=fmt, locale=locale), delta


def test_templates_translate_in_the_language_of_the_moment(app):
    page = "{{ _('Tickets') }}|{{ ngettext('%(num)d item', '%(num)d items', 3) }}"
    with app.test_request_context():
        with force_locale("en"):
            assert render_template_string(page) == "Tickets|3 items"
        with force_locale("uk"):
            assert render_template_string(page) == "Заявки|3 записи"
        with force_locale("en"):  # the catalog kept for Ukrainian is not reused for English
            assert render_template_string(page) == "Tickets|3 items"


MOMENTS = [datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC), datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
           datetime(2026, 7, 4, 11, 59, 59, tzinfo=UTC), datetime(2026, 7, 4, 12, 0, tzinfo=UTC),
           datetime(2026, 10, 25, 23, 30, tzinfo=UTC), datetime(2026, 12, 31, 13, 7, tzinfo=UTC)]


@pytest.mark.parametrize("locale", ["en", "uk"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long"])
@pytest.mark.parametrize("zone", ["Europe/Kyiv", "America/New_York", "UTC"])
def test_dates_say_what_babel_says(app, locale, fmt, zone):
    with app.test_request_context(), force_locale(locale):
        for moment in MOMENTS:
            assert format_moment(moment, fmt, zone=zone) == dates.format_datetime(
                moment, fmt, tzinfo=dates.get_timezone(zone), locale=locale), moment


def test_lazy_labels_follow_the_language_of_the_moment(app):
    closing = lazy_gettext("Close")
    with app.test_request_context():
        with force_locale("uk"):
            assert str(closing) == "Закрити" and labels(STATUS_LABELS)["closed"] == "Закрита"
        with force_locale("en"):
            assert str(closing) == "Close" and labels(STATUS_LABELS)["closed"] == "Closed"
            assert labels(STATUS_LABELS) is labels(STATUS_LABELS)  # made once per language
