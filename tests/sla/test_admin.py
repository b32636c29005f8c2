"""The SLA admin pages: calendars (week, dated rows, holiday import, preview, calculator) and
policies; admins change them, managers read them, bad input is a form error."""
from datetime import date

import sqlalchemy as sa

from app.auth.permissions import SHELL
from sla import services
from sla.models import SlaCalendar, SlaCalendarDay, SlaPolicy, organization_policies
from tests.helpers import text

WEEK = {"calendar-name": "Kyiv office", "calendar-timezone": "Europe/Kyiv"}


def week_form(**days):
    data = {"name": "Kyiv office", "timezone": "Europe/Kyiv", "mon": "09:00–13:00, 14:00–18:00", "tue": "9:00-18:00",
            "wed": "09:00-18:00", "thu": "09:00-18:00", "fri": "22:00-24:00", "sat": "00:00-06:00", "sun": ""}
    data.update(days)
    return data


def test_an_admin_makes_a_calendar_with_a_lunch_break_and_a_night_shift(login, db):
    admin = login("admin")
    response = admin.submit("/sla/calendars/new", week_form())
    assert response.status_code == 302
    calendar = db.session.scalar(sa.select(SlaCalendar))
    assert calendar.weekly["mon"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert calendar.weekly["tue"] == [["09:00", "18:00"]]
    assert calendar.weekly["fri"] == [["22:00", "24:00"]] and calendar.weekly["sat"] == [["00:00", "06:00"]]
    page = text(admin.get(f"/sla/calendars/{calendar.id}?week=2026-03-09"))
    assert "Week of March 9, 2026" in page and "09:00–13:00, 14:00–18:00" in page

    response = admin.submit(f"/sla/calendars/{calendar.id}/edit", week_form(name="Kyiv office", sun="10:00-12:00"))
    assert response.status_code == 302
    db.session.refresh(calendar)
    assert calendar.weekly["sun"] == [["10:00", "12:00"]] and calendar.version == 2


def test_bad_hours_and_zones_are_form_errors(login, db):
    admin = login("admin")
    cases = [
        (week_form(mon="09:00-13:00, 12:00-18:00"), "09:00–13:00 and 12:00–18:00 overlap."),
        (week_form(tue="09:00-25:00"), "“25:00” is not a time of day"),
        (week_form(wed="18:00-09:00"), "18:00–09:00 ends before it starts"),
        (week_form(thu="nine to five"), "Write the hours as 09:00–13:00, 14:00–18:00."),
        (week_form(timezone="Europe/Atlantis"), "Not a valid choice"),
        ({**week_form(), **{d: "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}},
         "A calendar needs some working time in its week."),
    ]
    for data, message in cases:
        response = admin.submit("/sla/calendars/new", data)
        assert response.status_code == 200, message
        assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaCalendar)) == 0


def test_the_service_refuses_an_unknown_zone_on_its_field(db):
    import pytest

    from app.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.save_calendar(SHELL, None, name="X", timezone="Mars/Olympus", weekly={"mon": [["09:00", "18:00"]]})
    assert refused.value.errors == {"timezone": ["Unknown time zone."]}


def test_dated_rows_the_holiday_import_the_preview_and_the_calculator(login, calendar, db):
    admin = login("admin")
    page = f"/sla/calendars/{calendar.id}"
    assert admin.submit(f"{page}/days", {"day-day": "2026-03-09", "day-kind": "holiday", "day-name": "Women's day (moved)"},
                        page=page).status_code == 302
    assert admin.submit(f"{page}/days", {"day-day": "2026-03-07", "day-kind": "exception", "day-hours": "10:00-14:00"},
                        page=page).status_code == 302
    refused = admin.submit(f"{page}/days", {"day-day": "2026-03-10", "day-kind": "exception", "day-hours": "10:00-25:00"},
                           page=page)
    assert refused.status_code == 422 and "“25:00” is not a time of day" in text(refused)
    response = admin.submit(f"{page}/import", {"import-country": "PL", "import-first_year": "2026",
                                                "import-last_year": "2026"}, page=page)
    assert response.status_code == 302
    days = {row.day: row for row in db.session.scalars(sa.select(SlaCalendarDay))}
    assert days[date(2026, 3, 9)].kind == "holiday" and days[date(2026, 3, 7)].intervals == [["10:00", "14:00"]]
    assert days[date(2026, 11, 11)].kind == "holiday"  # Polish Independence Day, imported
    bad_years = admin.submit(f"{page}/import", {"import-country": "PL", "import-first_year": "2030",
                                                 "import-last_year": "2026"}, page=page)
    assert bad_years.status_code == 422 and "Choose at most ten years" in text(bad_years)

    preview = text(admin.get(f"{page}?week=2026-03-11"))
    assert "Week of March 9, 2026" in preview
    assert "Holiday" in preview and "Women&#39;s day (moved)" in preview or "Women's day (moved)" in preview
    assert "10:00–14:00" in text(admin.get(f"{page}?week=2026-03-07"))  # the Saturday's other hours

    # Friday 17:00 Kyiv + 120 business minutes: 18:00 Friday, then the working Saturday 10:00–11:00.
    result = text(admin.get(f"{page}?start=2026-03-06T17:00&minutes=120"))
    assert "Saturday, 7 March 2026, 11:00" in result
    refused = text(admin.get(f"{page}?start=2026-03-06T17:00&minutes=-5"))
    assert "Give a number of minutes from 0 to a year" in refused

    admin.submit(f"{page}/days/2026-03-09/remove", page=page)
    assert db.session.scalar(sa.select(SlaCalendarDay).where(SlaCalendarDay.day == date(2026, 3, 9))) is None


def test_policies_their_targets_and_organizations(login, calendar, org_a, team, db):
    admin = login("admin")
    data = {"name": "Premium", "calendar": str(calendar.id), "kind": "", "pause_statuses": ["pending"],
            "active": "y", "mail_in_working_hours": "y", "organizations": [str(org_a.id)],
            "lv0_percent": "80", "lv0_action": "notify_assignee",
            "lv1_percent": "100", "lv1_action": "notify_managers", "lv1_team": str(team.id), "lv1_raise": "y",
            "lv2_action": "notify_team",
            "lv3_action": "notify_team"}
    for p, (fr, res) in {"1": (15, 120), "2": (30, 240), "3": (60, 960), "4": (240, 2400)}.items():
        data[f"t{p}_first_response"], data[f"t{p}_resolution"] = str(fr), str(res)
    refused = admin.submit("/sla/policies/new", {**data, "t2_first_response": "-30"})
    assert refused.status_code == 200 and "P2: a target must be more than zero minutes." in text(refused)
    assert admin.submit("/sla/policies/new", data).status_code == 302
    policy = db.session.scalar(sa.select(SlaPolicy))
    assert policy.targets["1"] == {"first_response": 15, "resolution": 120}
    assert policy.mail_in_working_hours is True
    assert policy.levels == [{"percent": 80, "action": "notify_assignee"},
                             {"percent": 100, "action": "notify_managers", "team_id": team.id, "raise_priority": True}]
    assert db.session.execute(sa.select(organization_policies)).all() == [(org_a.id, policy.id)]
    listed = text(admin.get("/sla/policies"))
    assert "Premium" in listed and "15 min" in listed and "40 h" in listed and org_a.name in listed

    manager = login("manager")
    assert "Premium" in text(manager.get("/sla/policies"))
    assert manager.get(f"/sla/policies/{policy.id}").status_code == 200
    assert manager.get(f"/sla/calendars/{calendar.id}").status_code == 200
    assert manager.submit(f"/sla/policies/{policy.id}", data, page=f"/sla/policies/{policy.id}").status_code == 403
    assert manager.get("/sla/calendars/new").status_code == 403
    assert login("agent").get("/sla/policies").status_code == 403
