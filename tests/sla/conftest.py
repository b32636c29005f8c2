"""SLA fixtures: a Kyiv 9–18 calendar, a default policy, and a clock the test moves."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app import timeutil
from app.auth.permissions import SHELL
from app.tickets import models as ticket_models
from sla import policy as policies
from sla import services

KYIV = ZoneInfo("Europe/Kyiv")
NINE_TO_SIX = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
TARGETS = {str(p): {"first_response": 60, "next_response": 120, "resolution": 960} for p in range(1, 5)}


def kyiv(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV).astimezone(UTC)


class Clock:
    def __init__(self):
        self.now = kyiv(2026, 3, 6, 17, 30)

    def __call__(self):
        return self.now

    def at(self, *args):
        self.now = kyiv(*args)


@pytest.fixture
def clock(monkeypatch):
    moving = Clock()
    monkeypatch.setattr(timeutil, "utcnow", moving)
    monkeypatch.setattr(ticket_models, "utcnow", moving)  # the events' created_at
    return moving


@pytest.fixture
def calendar(db):
    return services.save_calendar(SHELL, None, name="Kyiv office", timezone="Europe/Kyiv", weekly=NINE_TO_SIX)


@pytest.fixture
def policy(calendar):
    return services.save_policy(SHELL, None, name="Standard", calendar=calendar, kind=None, targets=TARGETS,
                                is_default=True)


@pytest.fixture(autouse=True)
def fresh_calendars():
    """Each test's database numbers its calendars from 1 again: forget the process's cache."""
    policies._calendars.clear()
    yield
    policies._calendars.clear()
