"""Mail in: stored first, threaded by number and Message-ID, answered once, never looped."""
import sqlalchemy as sa

from app.mail.models import BouncedAddress, InboundMail, MailReference
from app.tickets.models import Ticket
from tests.factories import make_ticket
from tests.helpers import count, run_jobs, text
from tests.mail.conftest import fixture, mail


def ticket_of(db, result) -> Ticket:
    return db.session.scalar(sa.select(Ticket).where(Ticket.number == result.ticket))


def test_a_contacts_mail_opens_a_ticket_and_is_acknowledged_with_its_number(app, db, users, ingest, mailbox):
    result = ingest(mail(sender="User <USER@Acme.test>", message_id="first@acme.test"))
    assert result.as_json() == {"ticket": result.ticket, "created": True, "message": result.mail_id}
    ticket = ticket_of(db, result)
    assert ticket.requester == users["client_user"] and ticket.via == "email"
    assert ticket.title == "Disk full on web-01" and "The disk on web-01 is full." in ticket.description
    stored = db.session.get(InboundMail, result.mail_id)
    assert stored.raw.startswith(b"From: User") and stored.status == "ticketed"
    run_jobs(app)
    [ack] = mailbox.messages
    assert ack["To"] == "user@acme.test" and ack["Subject"].startswith(f"[{ticket.number}] We received your ticket")
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<first@acme.test>"
    assert f"<ticket.{ticket.number}@zayavka.example>" in ack["References"]


def test_the_same_message_id_twice_is_stored_once(db, users, ingest):
    first = ingest(mail(message_id="twice@acme.test"))
    second = ingest(mail(message_id="twice@acme.test"))
    assert (second.mail_id, second.ticket, second.created) == (first.mail_id, first.ticket, True)
    assert count(db, Ticket) == 1 and count(db, InboundMail) == 1


def test_replies_join_by_tag_in_any_form_and_by_in_reply_to(app, db, users, ingest, mailbox):
    app.config["MAIL_SUBJECT_PREFIX"] = "Acme Support"
    try:
        opened = ingest(mail(message_id="open@acme.test"))
        run_jobs(app)
        [ack] = mailbox.messages
        number = opened.ticket
        assert ack["Subject"].startswith(f"[Acme Support #{number}] ")
        for index, subject in enumerate([f"Re: [Acme Support #{number}] Disk", f"AW: [{number}] Disk",
                                         f"Отв: [Zayavka #{number.lower()}] Disk", f"Fwd:[ Anything # {number} ]x"]):
            joined = ingest(mail(subject=subject, body=f"More details {index}", message_id=f"r{index}@acme.test"))
            assert (joined.ticket, joined.created) == (number, False), subject
        by_reference = ingest(mail(subject="Re: Disk full", body="Tag gone, thread kept",
                                   message_id="r9@acme.test", In_Reply_To=ack["Message-ID"]))
        assert (by_reference.ticket, by_reference.created) == (number, False)
    finally:
        app.config["MAIL_SUBJECT_PREFIX"] = ""
    ticket = ticket_of(db, opened)
    assert [m.body_text for m in ticket.messages][-1] == "Tag gone, thread kept"
    assert len(ticket.messages) == 5 and all(m.via == "email" and not m.internal for m in ticket.messages)


def test_an_agents_reply_reaches_the_contact_threaded(app, db, users, ingest, mailbox):
    from app.tickets import services

    opened = ingest(mail(message_id="thread@acme.test"))
    ticket = ticket_of(db, opened)
    services.reply(users["agent"], ticket, "Cleaned /var/log, please check.")
    run_jobs(app)
    answer = mailbox.messages[-1]
    assert answer["Subject"].startswith(f"[{ticket.number}] New reply")
    assert answer["In-Reply-To"] == "<thread@acme.test>" and answer["Auto-Submitted"] is None
    references = answer["References"].split()
    assert references[0] == f"<ticket.{ticket.number}@zayavka.example>" and "<thread@acme.test>" in references
    recorded = db.session.scalars(sa.select(MailReference.message_id).where(MailReference.direction == "out"))
    assert answer["Message-ID"].strip("<>") in list(recorded)


def test_an_out_of_office_answer_is_never_answered(app, db, users, ingest, mailbox):
    opened = ingest(mail(message_id="ooo-open@acme.test"))
    run_jobs(app)
    [ack] = mailbox.messages
    reply = ingest(fixture("out-of-office.eml", SUBJECT=ack["Subject"], MESSAGE_ID=ack["Message-ID"].strip("<>")))
    assert reply.ticket == opened.ticket  # kept on the ticket, as everything is
    fresh = ingest(mail(subject="Auto: I am away", message_id="ooo-new@acme.test", Auto_Submitted="auto-replied"))
    assert fresh.created and fresh.reason.startswith("Auto-Submitted")
    bulk = ingest(mail(subject="Newsletter", message_id="bulk@acme.test", Precedence="bulk"))
    assert bulk.created
    run_jobs(app)
    assert len(mailbox.messages) == 1  # only the first acknowledgement


def test_acknowledgements_to_one_sender_are_limited(app, db, users, ingest, mailbox):
    app.config["MAIL_AUTO_REPLY_LIMIT"] = 2
    try:
        for index in range(4):
            ingest(mail(subject=f"Problem number {index}", message_id=f"storm{index}@acme.test"))
    finally:
        app.config["MAIL_AUTO_REPLY_LIMIT"] = 5
    run_jobs(app)
    assert count(db, Ticket) == 4 and len(mailbox.messages) == 2


def test_a_stranger_quoting_a_number_gets_a_ticket_of_their_own(db, users, ingest):
    theirs = make_ticket(users["client_user"], title="Acme's private ticket")
    result = ingest(mail(sender="user@globex.test", subject=f"Re: [{theirs.number}] I want in",
                         message_id="stranger@globex.test"))
    assert result.created and result.ticket != theirs.number
    new = ticket_of(db, result)
    assert new.organization == users["other_user"].organization and new.requester == users["other_user"]
    db.session.refresh(theirs)
    assert [m.body_text for m in theirs.messages if not m.internal] == []
    [note] = [m for m in theirs.messages if m.internal]
    assert "user@globex.test" in note.body_text and new.number in note.body_text


def test_a_colleague_replying_all_joins_and_ccs_follow(db, users, ingest):
    opened = ingest(mail(message_id="cc-open@acme.test", Cc="Boss <boss@acme.test>, someone@else.test"))
    ticket = ticket_of(db, opened)
    assert users["client_admin"] in ticket.watchers
    joined = ingest(mail(sender="boss@acme.test", subject=f"Re: [{ticket.number}] Disk", message_id="cc2@acme.test",
                         Cc="support@zayavka.example"))
    assert joined.ticket == ticket.number and not joined.created


def test_plus_addressing_finds_the_contact(db, users, ingest):
    result = ingest(mail(sender="user+tickets@acme.test", message_id="plus@acme.test"))
    assert ticket_of(db, result).requester == users["client_user"]


def test_unknown_senders_follow_the_policy(app, db, users, org_a, ingest, mailbox):
    held = ingest(mail(sender="new.person@acme.test", message_id="unknown1@acme.test"))
    assert held.as_json() == {"quarantined": held.mail_id, "reason": "unknown sender"}
    app.config["MAIL_UNKNOWN_SENDERS"] = "create"
    org_a.email = "office@acme.test"
    db.session.commit()
    try:
        created = ingest(mail(sender="Nova Person <nova@ACME.test>", message_id="unknown2@acme.test"))
        assert created.created and ticket_of(db, created).requester.name == "Nova Person"
        nowhere = ingest(mail(sender="x@nowhere.test", message_id="unknown3@nowhere.test"))
        assert nowhere.reason == "unknown sender"
        app.config["MAIL_UNKNOWN_SENDERS"] = "register"
        asked = ingest(mail(sender="y@nowhere.test", message_id="unknown4@nowhere.test"))
        assert asked.reason == "unknown sender, asked to register"
    finally:
        app.config["MAIL_UNKNOWN_SENDERS"] = "quarantine"
    run_jobs(app)
    [answer] = [m for m in mailbox.messages if m["To"] == "y@nowhere.test"]
    assert "Please register" in answer["Subject"] and answer["Auto-Submitted"] == "auto-replied"


def test_a_bounce_becomes_a_note_on_the_ticket_whose_mail_bounced(app, db, users, ingest, mailbox):
    opened = ingest(mail(message_id="will-bounce@acme.test"))
    run_jobs(app)
    [ack] = mailbox.messages
    bounce = ingest(fixture("bounce-dsn.eml", SUBJECT=ack["Subject"], MESSAGE_ID=ack["Message-ID"].strip("<>")))
    assert (bounce.ticket, bounce.created) == (opened.ticket, False)
    [note] = [m for m in ticket_of(db, opened).messages if m.internal]
    assert "could not be delivered" in note.body_text and "550 5.1.1" in note.body_text
    orphan = ingest(fixture("bounce-dsn.eml", SUBJECT="Something else", MESSAGE_ID="unknown@zayavka.example")
                    .replace(b"bounce-1@", b"bounce-2@"))
    assert orphan.status == "discarded" and count(db, Ticket) == 1
    run_jobs(app)
    assert len(mailbox.messages) == 1


def test_our_own_mail_and_staff_mail_without_a_ticket_open_nothing(db, users, ingest):
    ours = ingest(mail(sender="support@zayavka.example", message_id="own@zayavka.example"))
    assert ours.status == "discarded"
    staff = ingest(mail(sender="agent@provider.test", message_id="staff@provider.test"))
    assert staff.reason == "staff mail that names no ticket" and count(db, Ticket) == 0


def test_an_agent_answers_by_mail(db, users, ingest):
    ticket = make_ticket(users["client_user"])
    result = ingest(mail(sender="agent@provider.test", subject=f"Re: [{ticket.number}] x", body="On it.",
                         message_id="agent-answer@provider.test"))
    assert result.ticket == ticket.number
    db.session.refresh(ticket)
    assert ticket.messages[-1].author == users["agent"] and ticket.status == "open"


def test_quoted_history_is_folded_and_kept(db, users, ingest):
    ticket = make_ticket(users["client_user"])
    ingest(fixture("quoted-reply.eml", SUBJECT=f"[{ticket.number}] Disk full"))
    db.session.refresh(ticket)
    html = ticket.messages[-1].body_html
    shown, folded = html.split("<details>")
    assert "It works again" in shown and "We received your ticket" not in shown
    assert "<summary>" in folded and "We received your ticket" in folded and "Best regards" in folded


def test_undeclared_koi8_subject_and_body_are_read(db, users, ingest):
    result = ingest(fixture("koi8r-undeclared-subject.eml"))
    ticket = ticket_of(db, result)
    assert ticket.title == "тест почты" and "привет, сервер лежит." in ticket.description


def test_html_only_mail_is_sanitized_and_its_inline_image_shown(db, users, ingest, login):
    result = ingest(fixture("html-only-inline-image.eml"))
    ticket = ticket_of(db, result)
    assert "<b>this</b>" in ticket.description
    assert "script" not in ticket.description and "onclick" not in ticket.description and "color" not in ticket.description
    [image] = ticket.attachments
    assert image.content_type == "image/png"
    assert f'src="/mail/inline/{image.sha256}"' in ticket.description
    for who in ("client_user", "agent"):
        response = login(who).get(f"/mail/inline/{image.sha256}")
        assert response.status_code == 200 and response.mimetype == "image/png"
    assert login("other_user").get(f"/mail/inline/{image.sha256}").status_code == 404


def test_attachment_names_rfc2231_and_without_paths(db, users, ingest):
    named = ticket_of(db, ingest(fixture("rfc2231-attachment-name.eml")))
    assert [a.filename for a in named.attachments] == ["журнал.log"]
    traversal = ticket_of(db, ingest(fixture("path-traversal-name.eml")))
    assert [a.filename for a in traversal.attachments] == ["passwd.txt"]


def test_a_bounce_flags_the_address_for_the_agents_until_mail_from_it_arrives(app, db, users, ingest, mailbox, login):
    opened = ingest(mail(message_id="flag-open@acme.test"))
    run_jobs(app)
    [ack] = mailbox.messages
    agent = login("agent")
    page = text(agent.get(f"/tickets/{opened.ticket}"))
    assert "bounced on" not in page
    ingest(fixture("bounce-dsn.eml", SUBJECT=ack["Subject"], MESSAGE_ID=ack["Message-ID"].strip("<>")))
    [flagged] = db.session.scalars(sa.select(BouncedAddress))
    assert flagged.address == "user@acme.test" and flagged.cleared_at is None  # whom our mail went to
    page = text(agent.get(f"/tickets/{opened.ticket}"))
    assert "Mail to user@acme.test bounced on" in page and "550 5.1.1 User unknown" in page
    assert "bounced on" not in text(login("client_user").get(f"/portal/tickets/{opened.ticket}"))
    org_page = f"/organizations/{users['client_user'].organization_id}"
    assert "Mail to this address bounced on" in text(agent.get(org_page))  # the contact's row, for staff
    assert "bounced on" not in text(login("client_admin").get(org_page))
    ingest(mail(subject=f"Re: [{opened.ticket}] Disk", body="I am back", message_id="flag-back@acme.test"))
    page = text(agent.get(f"/tickets/{opened.ticket}"))
    assert "bounced on" not in page and db.session.get(BouncedAddress, flagged.id).cleared_at is not None


def test_a_bounce_of_a_mail_quoted_by_subject_flags_the_reports_recipient(app, db, users, ingest):
    opened = ingest(mail(message_id="flag-subject@acme.test"))
    ingest(fixture("bounce-dsn.eml", SUBJECT=f"[{opened.ticket}] We received your ticket",
                   MESSAGE_ID="lost@zayavka.example").replace(b"bounce-1@", b"bounce-3@"))
    [flagged] = db.session.scalars(sa.select(BouncedAddress))
    assert flagged.address == "gone@acme.test" and flagged.ticket_id == ticket_of(db, opened).id
