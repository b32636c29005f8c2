"""Drafts from solved tickets."""
import pytest

from app.errors import ValidationError
from app.tickets import services as tickets
from kb import from_ticket, queries
from tests.factories import make_ticket


def test_a_resolved_incident_becomes_a_draft_with_flagged_specifics(users, resolved_incident):
    article = from_ticket.make_article(users["agent"], resolved_incident)
    assert article.status == "draft" and article.visibility == "internal"
    assert article.title == "Mail to gmail bounces"
    assert article.source_tickets == [resolved_incident]
    body = article.body
    assert "⚠`boss@acme.test`" in body and "⚠`192.0.2.25`" in body and "⚠`mx1.acme.test`" in body
    assert "The SPF record lacked the outgoing relay" in body
    assert "We added the new relay to the SPF record" in body
    assert "internal: the relay was missing" not in body
    assert queries.from_ticket(resolved_incident) == [article]


def test_an_open_incident_is_refused(users):
    ticket = make_ticket(users["client_user"], title="Still broken")
    with pytest.raises(ValidationError):
        from_ticket.make_article(users["agent"], ticket)


def test_a_known_error_problem_gives_cause_and_workaround(users, org_a):
    from app.problems import services as problems

    problem = make_ticket(users["agent"], kind="problem", title="Backups time out", organization=org_a,
                          description="Nightly backup of db.acme.test stops after 2 h.")
    problems.update_problem(users["agent"], problem, root_cause="The backup window is shorter than the dump.",
                            workaround="Run the dump at 22:00.")
    tickets.transition(users["agent"], problem, "known_error")
    article = from_ticket.make_article(users["agent"], problem)
    assert "The backup window is shorter than the dump." in article.body
    assert "Run the dump at 22:00." in article.body
    assert "⚠`db.acme.test`" in article.body


def test_file_names_are_not_taken_for_host_names():
    text, flagged = from_ticket.flag("Set it in php.ini and /etc/nginx/nginx.conf, then see error.log on "
                                     "web-01.acme.test and mail.acme.io.")
    assert flagged == ["web-01.acme.test", "mail.acme.io"]
    assert "php.ini" in text and "⚠`php.ini`" not in text
