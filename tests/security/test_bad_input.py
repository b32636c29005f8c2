"""Input at the edge of what the database and the calendar hold: numbers past 64 bits, cursors
that are not ours, times without a zone, the years 1 and 9999, lone surrogates, NUL, JSON nested
100,000 levels. Every door answers 4xx (or shows the page without the bad part), never a 500,
and writes nothing."""
import base64
import json

import pytest
import sqlalchemy as sa

from app.tickets.models import Event, Message, Ticket
from tests.factories import make_ticket

HUGE = "9" * 25  # far past a signed 64-bit integer


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def written(db):
    db.session.rollback()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Ticket, Message, Event)]


@pytest.fixture
def ticket(users):
    return make_ticket(users["client_user"], title="Disk full on web-01")


@pytest.mark.parametrize("query", [f"team={HUGE}", f"assignee={HUGE}", f"organization={HUGE}", f"limit={HUGE}",
                                   f"cursor={cursor_of([int(HUGE), 1])}", f"cursor={cursor_of([1, int(HUGE)])}",
                                   "sort=updated&cursor=" + cursor_of(["2026-01-01T10:00:00", 5]),
                                   "cursor=" + cursor_of("[" * 50)])
def test_the_api_list_refuses_what_no_column_holds(api, ticket, query, db):
    response = api("agent").get(f"/api/v1/tickets?{query}")
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]


def test_a_version_past_64_bits_is_a_422(api, ticket, db):
    before = written(db)
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/transition", json={"status": "open",
                                                                                        "version": int(HUGE)})
    assert response.status_code == 422 and "version" in response.json["error"]["fields"]
    assert written(db) == before


@pytest.mark.parametrize("url", [f"/api/v1/tickets/INC-1/attachments/{HUGE}", f"/api/v1/users/{HUGE}",
                                 f"/api/v1/catalog/{HUGE}"])
def test_ids_past_64_bits_in_api_urls_are_a_404(api, ticket, url):
    response = api("agent").get(url)
    assert response.status_code == 404 and response.json["error"]["code"] == 404


@pytest.mark.parametrize("body", [{"kind": "incident", "title": "Disk \ud800 full", "organization": "ACME"},
                                  {"kind": "incident", "title": "Disk full", "description": "NUL \x00 here",
                                   "organization": "ACME"},
                                  {"kind": "incident", "title": "Disk\x07 full on web-01", "organization": "ACME"}])
def test_text_that_cannot_be_stored_is_a_422(api, body, users, db):
    before = written(db)
    response = api("agent").post("/api/v1/tickets", json=body)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) & {"title", "description"}
    assert written(db) == before


def test_json_nested_100000_levels_is_a_422(api, db):
    before = written(db)
    response = api("agent").post("/api/v1/tickets", data="[" * 100_000 + "]" * 100_000,
                                 content_type="application/json")
    assert response.status_code == 422
    assert written(db) == before


@pytest.mark.parametrize("span", ["from=0001-01-01&to=0001-02-01", "from=9999-12-01&to=9999-12-31"])
def test_the_change_calendar_at_the_ends_of_time_is_a_422(api, span):
    response = api("agent").get(f"/api/v1/changes/calendar?{span}")
    assert response.status_code == 422 and response.json["error"]["fields"]


def test_a_change_in_the_year_1_is_refused_and_leaves_no_half_change(api, db):
    before = written(db)
    response = api("agent").post("/api/v1/tickets", json={
        "kind": "change", "title": "Time travel", "organization": "ACME",
        "change": {"planned_start": "0001-01-01T00:00:00+14:00", "planned_end": "0001-01-01T02:00:00+14:00"}})
    assert response.status_code == 422
    assert written(db) == before


@pytest.mark.parametrize("url", [f"/tickets/?team={HUGE}", f"/tickets/?assignee={HUGE}&view=open",
                                 f"/tickets/?view=open&sort=updated&cursor={cursor_of(['2026-01-01T10:00:00', 5])}",
                                 f"/tickets/?cursor={cursor_of([int(HUGE), 1])}",
                                 "/changes/calendar?day=0001-01-01", "/changes/calendar?day=9999-12-31&view=month",
                                 f"/changes/calendar?team={HUGE}&organization={HUGE}", f"/changes/new?organization={HUGE}"])
def test_agent_pages_show_without_the_bad_part(login, ticket, url):
    assert login("agent").get(url).status_code == 200


@pytest.mark.parametrize("url", [f"/organizations/{HUGE}", f"/teams/{HUGE}", f"/users/{HUGE}/edit",
                                 f"/tickets/INC-1/attachments/{HUGE}"])
def test_ids_past_64_bits_in_page_urls_are_a_404(login, ticket, url):
    assert login("admin").get(url).status_code == 404


def test_the_portal_list_ignores_a_cursor_that_is_not_ours(login, ticket):
    client = login("client_user")
    for cursor in (cursor_of(["2026-01-01T10:00:00", 5]), cursor_of([int(HUGE), int(HUGE)]), "garbage"):
        response = client.get(f"/portal/tickets?cursor={cursor}")
        assert response.status_code == 200 and ticket.title in response.get_data(as_text=True)


def test_a_change_window_in_the_year_1_is_a_form_error(login, org_a, db):
    agent, before = login("agent"), written(db)
    response = agent.submit("/changes/new", {"organization": org_a.id, "title": "Time travel", "change_type": "normal",
                                             "planned_start": "0001-01-01T00:00", "planned_end": "0001-01-01T02:00"},
                            page="/changes/new")
    assert response.status_code == 200 and "between the years 1900 and 2200" in response.get_data(as_text=True)
    assert written(db) == before


def test_a_note_with_a_nul_is_a_form_error(login, ticket, db):
    agent, before = login("agent"), written(db)
    page = f"/tickets/{ticket.number}"
    response = agent.submit(f"{page}/reply", {"body": "A NUL \x00 in the middle", "internal": "y"}, page=page)
    assert response.status_code == 400  # the ticket page again, with the form's error
    assert "characters that cannot be stored" in response.get_data(as_text=True)
    assert written(db) == before


def test_a_client_says_the_urgency_not_the_impact_through_the_api_too(api, db):
    client, before = api("client_user"), written(db)
    response = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Everything is down", "impact": 1,
                                                    "urgency": 1})
    assert response.status_code == 422 and "impact" in response.json["error"]["fields"]
    assert written(db) == before
    created = client.post("/api/v1/tickets", json={"kind": "incident", "title": "Everything is down", "urgency": 1})
    assert created.status_code == 201 and (created.json["impact"], created.json["urgency"]) == (2, 1)


@pytest.mark.parametrize("number", [2**31, 742402363517451264])
def test_ids_past_an_integer_column_are_a_404_or_a_422_on_every_database(api, ticket, number, db):
    """PostgreSQL's INTEGER is 32 bits: what SQLite would take must not reach it."""
    agent = api("agent")
    assert agent.post(f"/api/v1/catalog/{number}/orders", json={}).status_code == 404
    assert agent.get(f"/api/v1/tickets?team={number}").status_code == 422
