"""The SLA report's numbers on the hand-built dataset (tests/reports/conftest.py), exactly, in
both zones of the fixture; and every total is the sum of its drill-down rows."""
from datetime import date

import pytest

from app.reports import rollup
from app.reports import sla as report
from app.reports.models import SlaMinutes
from app.tickets import services as tickets

KYIV, UTC = "Europe/Kyiv", "UTC"
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def _scope(zone, start=MARCH, end=date(2026, 5, 1), **filters):
    return report.Scope(start=start, end=end, zone=zone, **filters)


def _share(row, target):
    return (row[target]["met"], row[target]["breached"], row[target]["compliance"])


def test_months_in_kyiv(dataset):
    march, april = report.report(_scope(KYIV), "month")["rows"]
    assert (march["key"], march["tickets"], april["key"], april["tickets"]) == ("2026-03", 3, "2026-04", 2)
    assert _share(march, "first_response") == (2, 1, 66.7)  # T2 answered after 80 business minutes
    assert _share(march, "resolution") == (2, 1, 66.7)  # T3 took 1440 business minutes
    assert (march["median_first_response_minutes"], march["p90_first_response_minutes"]) == (30.0, 70.0)
    assert (march["median_resolution_minutes"], march["p90_resolution_minutes"]) == (210.0, 1242.0)
    assert (march["reopened"], march["open"], march["csat"], march["rated"]) == (1, 0, 3.5, 2)
    assert march["billable_minutes"] == 60  # the 15 unbillable minutes are left out
    assert _share(april, "first_response") == (1, 1, 50.0)
    assert _share(april, "resolution") == (0, 0, None)
    assert (april["median_first_response_minutes"], april["p90_first_response_minutes"]) == (52.5, 82.5)
    assert (april["median_resolution_minutes"], april["csat"], april["open"]) == (None, None, 2)
    assert april["oldest_open_at"] == "2026-03-31T22:30:00+00:00"
    assert april["billable_minutes"] == 45


def test_months_in_utc_move_the_ticket_of_the_first_night(dataset):
    march, april = report.report(_scope(UTC), "month")["rows"]
    assert (march["tickets"], april["tickets"]) == (4, 1)  # T4 opened on 31 March in UTC
    assert _share(march, "first_response") == (3, 1, 75.0)
    assert (march["median_first_response_minutes"], march["p90_first_response_minutes"]) == (25.0, 65.0)
    assert _share(april, "first_response") == (0, 1, 0.0)
    assert (april["median_first_response_minutes"], april["p90_first_response_minutes"]) == (90.0, 90.0)
    assert (march["open"], april["open"]) == (1, 1)


@pytest.mark.parametrize("zone", [KYIV, UTC])
def test_the_total_is_the_same_in_both_zones(dataset, zone):
    total = report.report(_scope(zone), "month")["total"]
    assert total["tickets"] == 5
    assert _share(total, "first_response") == (3, 2, 60.0)
    assert _share(total, "resolution") == (2, 1, 66.7)
    assert (total["median_first_response_minutes"], total["p90_first_response_minutes"]) == (30.0, 86.0)
    assert (total["median_resolution_minutes"], total["p90_resolution_minutes"]) == (210.0, 1242.0)
    assert (total["reopened"], total["open"], total["csat"], total["billable_minutes"]) == (1, 2, 3.5, 105)


def test_march_by_organization_team_agent_and_priority(dataset, team, users):
    scope = _scope(KYIV, end=APRIL)
    acme, globex = report.report(scope, "organization")["rows"]
    assert (acme["key"], acme["label"], acme["tickets"]) == ("ACME", "Acme Hosting Clients", 2)
    assert _share(acme, "first_response") == (1, 1, 50.0) and _share(acme, "resolution") == (2, 0, 100.0)
    assert (acme["median_first_response_minutes"], acme["p90_first_response_minutes"]) == (50.0, 74.0)
    assert (acme["median_resolution_minutes"], acme["p90_resolution_minutes"]) == (165.0, 201.0)
    assert (acme["csat"], acme["reopened"], acme["billable_minutes"]) == (5.0, 0, 60)
    assert (globex["key"], globex["tickets"]) == ("GLOBEX", 1)
    assert _share(globex, "first_response") == (1, 0, 100.0) and _share(globex, "resolution") == (0, 1, 0.0)
    assert (globex["median_resolution_minutes"], globex["csat"], globex["reopened"]) == (1500.0, 2.0, 1)

    (by_team,) = report.report(scope, "team")["rows"]
    assert (by_team["key"], by_team["label"], by_team["tickets"]) == (team.id, "Service Desk L1", 3)
    agents = {row["label"]: row for row in report.report(scope, "agent")["rows"]}
    assert agents[users["agent"].name]["tickets"] == 2 and agents["Unassigned"]["tickets"] == 1
    assert _share(agents["Unassigned"], "first_response") == (0, 1, 0.0)
    priorities = {row["key"]: row for row in report.report(scope, "priority")["rows"]}
    assert sorted(priorities) == [2, 3] and priorities[2]["label"] == "P2"
    assert _share(priorities[2], "resolution") == (0, 1, 0.0)


ADDITIVE = ("tickets", "reopened", "open", "rated", "billable_minutes")


@pytest.mark.parametrize("zone", [KYIV, UTC])
@pytest.mark.parametrize("group", report.GROUPS)
def test_totals_equal_the_sums_of_their_drill_downs(dataset, zone, group):
    found = report.report(_scope(zone), group)
    assert found["rows"]
    for name in ADDITIVE:
        assert sum(row[name] for row in found["rows"]) == found["total"][name], name
    for target in ("first_response", "resolution"):
        for part in ("met", "breached"):
            assert sum(row[target][part] for row in found["rows"]) == found["total"][target][part]
    for row in found["rows"]:  # and each row's number is the count of the tickets its link lists
        scope = _scope(zone, **({} if group != "organization" else
                                {"organization_id": dataset["t1"].organization_id if row["key"] == "ACME"
                                 else dataset["t3"].organization_id}))
        if group == "month":
            scope = _scope(zone, start=date.fromisoformat(row["from"]), end=date.fromisoformat(row["to"]))
        scope = report.narrowed(scope, group, row["key"])
        assert report.tickets(scope, "tickets")[0] == row["tickets"]
        assert report.tickets(scope, "first_response_breached")[0] == row["first_response"]["breached"]


def test_filters_narrow_every_number(dataset, org_b, team):
    only = report.report(_scope(KYIV, organization_id=org_b.id), "priority")
    assert only["total"]["tickets"] == 2
    assert report.report(_scope(KYIV, kind="request"), "organization")["total"]["tickets"] == 1
    assert report.report(_scope(KYIV, team_id=report.NONE), "organization")["total"]["tickets"] == 2
    assert report.report(_scope(KYIV, priority=2), "organization")["total"]["tickets"] == 1
    empty = report.report(_scope(KYIV, start=date(2025, 1, 1), end=date(2025, 2, 1)), "team")
    assert empty["rows"] == [] and empty["total"]["tickets"] == 0
    assert empty["total"]["first_response"]["compliance"] is None


def test_breaches_are_explained_by_the_clock(dataset):
    found = report.breaches(_scope(KYIV))
    assert [(row["ticket"].title, row["target"]) for row in found] == [
        ("T3 backup failed", "resolution"), ("T2 slow site", "first_response"), ("T5 new mailbox", "first_response")]
    t3 = report.breach_record(found[0])
    assert (t3["target_minutes"], t3["used_minutes"], t3["policy"]) == (960, 1500.0, "Standard")
    assert t3["stood"] == [{"from": "2026-03-04T13:00:00+00:00", "to": "2026-03-05T08:00:00+00:00",
                            "why": "resolved"}]
    assert t3["due"] == "2026-03-03T14:00:00+00:00"  # 16 working hours from Monday 09:00: Tuesday 16:00 Kyiv


def test_the_minutes_follow_a_reopened_ticket(dataset, users, clock, db):
    agent, t1 = users["agent"], dataset["t1"]
    tickets.reply(users["client_user"], t1, "It broke again.")  # 20 April 12:00: reopened
    assert rollup.refresh(clock.now) == 1
    assert db.session.get(SlaMinutes, t1.id).resolution_minutes is None
    clock.at(2026, 4, 20, 13, 0)
    tickets.transition(agent, t1, "resolved", resolution_code="configuration", resolution="Again.")
    assert rollup.refresh(clock.now) == 1 and rollup.refresh(clock.now) == 0
    assert db.session.get(SlaMinutes, t1.id).resolution_minutes > 120


@pytest.mark.parametrize("zone", [KYIV, UTC])
@pytest.mark.parametrize("group", ["organization", "agent"])
def test_a_single_months_row_is_the_total_of_any_breakdown(dataset, zone, group):
    for month in (MARCH, APRIL):
        scope = report.month_scope(month, zone=zone)
        assert report.months_of(scope, report.report(scope, group)) == report.report(scope, "month")
    both = _scope(zone)
    assert report.months_of(both, report.report(both, group)) == report.report(both, "month")


def test_an_organizations_medians_and_breaches_are_found_by_its_rows(dataset, users, org_a, clock, db):
    """One organization's minutes and breaches are read through the copies of its organization and
    clock start in report_sla_minutes: the same as the whole report's, and a clock breached before
    any answer gets its row (and its breach listed) at the job's next run."""
    from sla.models import TicketClock

    everyone = report.breaches(_scope(KYIV))
    acme = report.breaches(_scope(KYIV, organization_id=org_a.id))
    assert [(r["ticket"].id, r["target"]) for r in acme] == [
        (r["ticket"].id, r["target"]) for r in everyone if r["ticket"].organization_id == org_a.id]
    assert [r["ticket"].title for r in acme] == ["T2 slow site", "T5 new mailbox"]
    row = db.session.get(SlaMinutes, dataset["t1"].id)
    assert (row.organization_id, row.started_at) == (org_a.id, db.session.get(TicketClock, dataset["t1"].id).started_at)
    one = report.report(_scope(KYIV, organization_id=org_a.id), "priority")["total"]
    row_of_all = next(r for r in report.report(_scope(KYIV), "organization")["rows"] if r["key"] == "ACME")
    minutes = ("median_first_response_minutes", "p90_first_response_minutes", "median_resolution_minutes",
               "p90_resolution_minutes")
    assert [one[m] for m in minutes] == [row_of_all[m] for m in minutes] == [80.0, 88.0, 165.0, 201.0]

    unanswered = tickets.create_ticket(users["client_user"], kind="incident", title="T6 printer on fire")
    started = db.session.get(TicketClock, unanswered.id)
    started.first_response_breached = True  # as the engine's sweep marks it, no answer yet
    db.session.commit()
    scope = _scope(KYIV, end=date(2026, 5, 1), organization_id=org_a.id)
    assert db.session.get(SlaMinutes, unanswered.id) is None
    assert rollup.refresh(clock.now) == 1
    row = db.session.get(SlaMinutes, unanswered.id)
    assert (row.organization_id, row.first_response_minutes, row.resolution_minutes) == (org_a.id, None, None)
    assert [r["ticket"].title for r in report.breaches(scope)] == ["T2 slow site", "T5 new mailbox", "T6 printer on fire"]
    assert rollup.refresh(clock.now) == 0


def test_the_dashboards_flow_places_each_clock_in_its_local_day(dataset, clock):
    """Created per local day over the last 30 days, counted by the database: T4 opened at 01:30
    on 1 April in Kyiv is still 31 March in UTC; T5 on 2 April in both; nothing resolved since."""
    from app.reports import dashboard

    for zone, expected in ((KYIV, {date(2026, 4, 1): 1, date(2026, 4, 2): 1}),
                           (UTC, {date(2026, 3, 31): 1, date(2026, 4, 2): 1})):
        days = dashboard.flow(clock.now, zone)
        assert len(days) == 30 and days[-1]["day"] == date(2026, 4, 20)
        assert {d["day"]: d["created"] for d in days if d["created"]} == expected
        assert sum(d["resolved"] for d in days) == 0
