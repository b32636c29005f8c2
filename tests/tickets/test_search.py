"""Full-text search, the same on SQLite (FTS5) and PostgreSQL (tsvector)."""
from app.tickets import queries, services
from app.tickets.queries import TicketFilter
from tests.factories import make_ticket


def numbers(user, q, **filters):
    page = queries.page_of(user, TicketFilter(view="all", q=q, sort=queries.default_sort(q, None), **filters))
    return [t.number for t in page.items]


def test_host_names_are_searched_as_phrases(users, org_a):
    agent = users["agent"]
    web = make_ticket(agent, organization=org_a, title="web-01 answers 502")
    make_ticket(agent, organization=org_a, title="Backup of 2026-11-01 failed", description="web-02 is fine")
    assert numbers(agent, "web-01") == [web.number]
    assert numbers(agent, "WEB-01 502") == [web.number]


def test_every_word_must_match_and_the_last_is_a_prefix(users, org_a):
    agent = users["agent"]
    ticket = make_ticket(agent, organization=org_a, title="Certificate expired on shop")
    make_ticket(agent, organization=org_a, title="Certificate renewal request")
    assert numbers(agent, "certificate expi") == [ticket.number]
    assert numbers(agent, "   ") == numbers(agent, "")


def test_search_lists_newest_first_across_pages(users, org_a):
    agent = users["agent"]
    made = [make_ticket(agent, organization=org_a, title=f"Disk alert {i}").number for i in range(7)]
    make_ticket(agent, organization=org_a, title="Unrelated", description="Nothing to see")
    seen, cursor = [], None
    while True:
        page = queries.page_of(agent, TicketFilter(view="all", q="disk", sort="newest"), cursor, size=3)
        seen += [t.number for t in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == list(reversed(made))


def test_search_respects_the_other_filters_and_the_reader(users, org_a, org_b):
    mine = make_ticket(users["client_user"], title="VPN drops at night")
    theirs = make_ticket(users["other_user"], title="VPN drops at noon")
    services.add_note(users["agent"], mine, "secretword in an internal note")
    assert numbers(users["agent"], "vpn drops") == [theirs.number, mine.number]
    assert numbers(users["agent"], "vpn", organization_id=org_a.id) == [mine.number]
    assert numbers(users["client_user"], "vpn drops") == [mine.number]
    assert numbers(users["agent"], "secretword") == [mine.number]
    assert numbers(users["client_user"], "secretword") == []  # internal notes are not searched for clients


def test_search_by_priority_still_works(users, org_a):
    agent = users["agent"]
    low = make_ticket(agent, organization=org_a, title="Printer jam", impact=3, urgency=3)
    high = make_ticket(agent, organization=org_a, title="Printer on fire", impact=1, urgency=1)
    page = queries.page_of(agent, TicketFilter(view="all", q="printer", sort="priority"))
    assert [t.number for t in page.items] == [high.number, low.number]


def test_clients_never_match_words_or_phrases_of_internal_notes(users):
    ticket = make_ticket(users["client_user"], title="Site slow")
    services.add_note(users["agent"], ticket, "root cause on fw-lviv-1 firmware")
    for q in ("firmware", "fw-lviv-1", "firm"):
        assert numbers(users["agent"], q) == [ticket.number], q
        assert numbers(users["client_user"], q) == [], q


def test_a_new_ticket_is_indexed_as_a_reindex_would_index_it(users, org_a):
    """create_ticket writes the new ticket's document from what it holds (search.index_new):
    the same title and public text that reading it back gives, found by a word of either."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.tickets import search

    agent = users["agent"]
    ticket = make_ticket(agent, organization=org_a, title="Printer jammed on floor 3",
                         description="The **tray** of `pr-33` is stuck.\n\nSince *Monday*.")
    if db.engine.dialect.name == "sqlite":  # PostgreSQL keeps a tsvector only
        written = db.session.execute(sa.text("SELECT title, public, internal FROM ticket_search WHERE rowid = :id"),
                                     {"id": ticket.id}).one()
        assert tuple(written) == search.documents([ticket.id])[ticket.id]
    assert numbers(agent, "jammed") == [ticket.number]
    assert numbers(agent, "tray monday") == [ticket.number]


def test_a_reply_and_a_note_are_indexed_as_a_reindex_would_index_them(users, org_a):
    """reply and add_note write the document from the ticket they hold and its messages read back
    (search.reindex_ticket): the same document as reading it all back, each text found by its readers."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.tickets import search

    agent, client = users["agent"], users["client_user"]
    ticket = make_ticket(client, title="Backup failed", description="The nightly backup of db-03 failed.")
    services.reply(agent, ticket, "We restarted the **agent** on db-03.")
    services.add_note(agent, ticket, "quota exceeded on vault-7")
    services.reply(client, ticket, "Thanks, the rerun worked.")
    if db.engine.dialect.name == "sqlite":  # PostgreSQL keeps a tsvector only
        written = db.session.execute(sa.text("SELECT title, public, internal FROM ticket_search WHERE rowid = :id"),
                                     {"id": ticket.id}).one()
        assert tuple(written) == search.documents([ticket.id])[ticket.id]
    assert numbers(agent, "restarted rerun") == [ticket.number]
    assert numbers(agent, "vault-7") == [ticket.number]
    assert numbers(client, "rerun") == [ticket.number]
    assert numbers(client, "vault-7") == []
