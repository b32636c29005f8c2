"""The daily roll-up gives the report the same numbers as the raw aggregate over the clocks, and
its jobs keep it so: the days a change touched are built again, the nightly job builds the
month, the command any range."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.reports import daily, daily_jobs, rollup
from app.reports import sla as report
from app.reports.models import DailyBuilt, DailyRollup
from app.tickets import relations
from app.tickets import services as tickets
from sla import escalation
from tests.helpers import run_jobs

KYIV, UTC = "Europe/Kyiv", "UTC"
MARCH, APRIL, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def _scope(zone, start=MARCH, end=MAY, **filters):
    return report.Scope(start=start, end=end, zone=zone, **filters)


def _agree(scope, group):
    rolled, raw = report.report(scope, group), report.report(scope, group, source="raw")
    assert rolled == raw
    return rolled


@pytest.mark.parametrize("zone", [KYIV, UTC])
@pytest.mark.parametrize("group", report.GROUPS)
def test_the_rollup_and_the_raw_aggregate_agree(dataset, zone, group):
    assert daily.covers(_scope(zone)) and daily.covers(_scope(zone, start=APRIL))
    found = _agree(_scope(zone), group)
    assert found["total"]["tickets"] == 5 and found["total"]["billable_minutes"] == 105


def test_filters_agree_and_a_ci_class_reads_the_clocks(dataset, org_b, team, users):
    for filters in ({"organization_id": org_b.id}, {"team_id": report.NONE}, {"team_id": team.id},
                    {"assignee_id": users["agent"].id}, {"assignee_id": report.NONE}, {"kind": "request"},
                    {"priority": 2}):
        assert _agree(_scope(KYIV, **filters), "priority")["total"]["tickets"] > 0
    assert not daily.covers(_scope(KYIV, ci_class_id=1))


def test_the_rollup_holds_counts_per_day(dataset, db):
    t4_day = db.session.execute(sa.select(DailyRollup.day, DailyRollup.tickets, DailyRollup.open).where(
        DailyRollup.zone == UTC, DailyRollup.day == date(2026, 3, 31))).all()
    assert t4_day == [(date(2026, 3, 31), 1, 1)]  # T4 opened 01:30 in Kyiv, still 31 March in UTC
    assert db.session.scalar(sa.select(sa.func.sum(DailyRollup.tickets)).where(DailyRollup.zone == KYIV)) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DailyBuilt).where(DailyBuilt.zone == KYIV)) == 120


def test_a_period_with_a_day_not_built_reads_the_clocks(dataset, db):
    db.session.execute(sa.delete(DailyBuilt).where(DailyBuilt.day == date(2026, 3, 17)))
    db.session.commit()
    assert not daily.covers(_scope(KYIV)) and daily.covers(_scope(KYIV, start=APRIL))
    assert report.report(_scope(KYIV), "month")["total"]["tickets"] == 5
    assert not daily.covers(_scope("America/New_York"))  # a zone the roll-up is not kept in


def test_the_job_builds_again_the_days_a_change_touched(dataset, users, clock, team, db):
    agent, t1, t5 = users["agent"], dataset["t1"], dataset["t5"]
    assert daily_jobs.refresh(clock.now) == 0  # nothing changed since the fixture built it
    clock.at(2026, 4, 20, 12, 10)
    tickets.reply(users["client_user"], t1, "It broke again.")  # T1 (2 March) reopened
    tickets.update_ticket(agent, t5, team=team, urgency=1, impact=2)  # T5 (2 April): another team, P2
    relations.log_time(agent, t5, minutes=30)
    stale = report.report(_scope(KYIV), "team")
    assert daily_jobs.refresh(clock.now) > 0
    rollup.refresh(clock.now)
    fresh = _agree(_scope(KYIV), "team")
    assert fresh != stale
    assert fresh["total"]["open"] == 3 and fresh["total"]["reopened"] == 2
    assert fresh["total"]["billable_minutes"] == 135
    assert {row["label"]: row["tickets"] for row in fresh["rows"]} == {"Service Desk L1": 4, "No team": 1}  # T5
    _agree(_scope(UTC), "priority")


def test_a_breach_the_sweep_fires_reaches_the_rollup(app, dataset, users, clock, db, mailbox):
    clock.at(2026, 4, 21, 9, 0)
    late = tickets.create_ticket(users["client_user"], kind="incident", title="T6 nobody answers").id
    assert daily_jobs.refresh(clock.now) > 0  # the new ticket's day
    clock.at(2026, 4, 21, 10, 30)
    escalation.sweep(clock.now)  # T6's first response is 30 minutes late: the clock's flag, no ticket change
    run_jobs(app)  # the sweep enqueues, the jobs fire
    assert daily_jobs.refresh(clock.now) > 0
    found = _agree(_scope(KYIV, start=APRIL), "organization")
    assert found["total"]["first_response"]["breached"] == 2  # T5 and T6
    assert late in [t.id for t in report.tickets(_scope(KYIV, start=APRIL), "first_response_breached")[1]]


def test_the_nightly_job_builds_yesterday_and_this_month(dataset, clock, db):
    db.session.execute(sa.delete(DailyBuilt))
    db.session.execute(sa.delete(DailyRollup))
    db.session.commit()
    assert daily_jobs.nightly(clock.now) > 0  # 20 April
    assert daily.covers(_scope(KYIV, start=APRIL, end=date(2026, 4, 21)))
    assert not daily.covers(_scope(KYIV, start=MARCH, end=APRIL))
    _agree(_scope(UTC, start=APRIL, end=date(2026, 4, 21)), "agent")


def test_the_command_builds_a_range(app, dataset, db):
    db.session.execute(sa.delete(DailyBuilt))
    db.session.execute(sa.delete(DailyRollup))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "rollup", "--from", "2026-03-01", "--to", "2026-05-01"])
    assert result.exit_code == 0, result.output
    assert "roll-up row(s) for 2026-03-01 – 2026-05-01" in result.output
    assert daily.covers(_scope(KYIV)) and daily.covers(_scope(UTC))
    _agree(_scope(KYIV), "organization")
    bad = runner.invoke(args=["reports", "rollup", "--from", "2026-05-01", "--to", "2026-03-01"])
    assert bad.exit_code != 0 and "--to" in bad.output
    assert runner.invoke(args=["reports", "rollup", "--from", "May"]).exit_code != 0
