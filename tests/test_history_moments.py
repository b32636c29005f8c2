"""Moments in a ticket's history read in the reader's time zone and format, as the header does:
a change's planned window (kept as UTC text), an SLA's due times and an escalation."""
from datetime import timedelta

from app.i18n import format_event_value
from tests.changes.conftest import SUNDAY_2AM_KYIV, make_change
from tests.helpers import text


def test_a_change_window_in_the_history_is_in_the_readers_zone_and_format(login, users, org_a, db):
    change = make_change(users["agent"], org_a)
    users["agent"].timezone = "Europe/Kyiv"
    db.session.commit()
    page = text(login("agent").get(f"/tickets/{change.number}"))
    assert "2030-06-01 23:00" not in page and " UTC" not in page
    assert "6/2/30, 2:00\u202fAM – 4:00\u202fAM" in page  # Sunday 02:00–04:00 in Kyiv, the header's format
    users["agent"].locale, users["agent"].timezone = "uk", "UTC"
    db.session.commit()
    page = text(login("agent").get(f"/tickets/{change.number}"))
    assert "01.06.30, 23:00 – 02.06.30, 01:00" in page  # in UTC it spans midnight: both days said


def test_sla_and_escalation_events_read_as_labels_and_local_moments(app):
    with app.test_request_context():  # nobody logged in: the default zone, Europe/Kyiv
        stored = "first response 2030-06-01T23:00+00:00, resolution -"
        assert format_event_value(stored, "sla") == "first response by 6/2/30, 2:00\u202fAM, resolution by —"
        assert format_event_value("first_response 75%", "escalation") == "First response: 75% of the time used"
        assert format_event_value("web", "category") == "web"  # other fields pass as they are
        assert format_event_value(None, "planned_window") is None
        end = SUNDAY_2AM_KYIV + timedelta(hours=2)
        assert format_event_value(f"{SUNDAY_2AM_KYIV:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC",
                                  "planned_window") == "6/2/30, 2:00\u202fAM – 4:00\u202fAM"
