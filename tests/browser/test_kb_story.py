"""The knowledge base in Chromium, on the demo: an agent resolves a client's incident and makes an
article from it (the client's addresses flagged ⚠ to generalise), limits it to that organization
and sends it for review; the manager publishes it; a contact of that organization typing a similar
title in the portal's new-ticket form sees it suggested and clicks "This solved it" — no ticket; a
contact of another organization typing the same sees nothing of it; a contact reading Ukrainian gets
the Ukrainian article. Screenshots: test-output/screenshots/kb-….png"""
import sqlalchemy as sa

from app.auth.models import User
from app.tickets import services as tickets
from app.tickets.models import Ticket
from kb.models import Article
from tests.browser.test_client_story import SCREENS
from tests.browser.test_pages import choose_language, log_in

TITLE = "Cron jobs stopped mailing after the PHP upgrade"


def _as(browser, live_server, email, screen="desktop"):
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    log_in(page, email)
    return context, page


def _type_a_new_ticket(page, title):
    page.goto("/portal/new")
    with page.expect_response(lambda r: "/portal/kb/suggest" in r.url and "title=" in r.url
                              and r.request.url.count("+") >= 1) as answer:
        page.locator("#new-ticket input[name=title]").fill(title)
    return answer.value.json()


def test_from_a_solved_incident_to_an_answer_before_the_ticket(page, browser, live_server, live_app, screenshots):
    with live_app.app_context():
        petro = tickets.db.session.scalar(sa.select(User).where(User.email == "petro@dnipro-logistics.example"))
        number = tickets.create_ticket(
            petro, kind="incident", title=TITLE,
            description="Since Monday cron on web-01.dnipro-logistics.example (10.20.0.15) sends nothing to "
                        "petro@dnipro-logistics.example.").number

    # The agent resolves the incident and makes an article of it.
    log_in(page, "ivan@zayavka.example")
    page.goto(f"/tickets/{number}")
    page.get_by_role("button", name="Resolve", exact=True).click()
    page.get_by_label("Resolution").select_option("fixed")
    page.get_by_label("What was done").fill("php-cli lost sendmail_path in the upgrade; we set it in php.ini again.")
    page.locator("#transition-form").get_by_role("button", name="Resolve").click()
    page.get_by_text("Status changed to “Resolved”.").wait_for()
    page.locator("#kb-panel").get_by_role("button", name="Make an article").click()
    page.get_by_text(f"A draft was made from {number}").wait_for()
    body = page.get_by_label("Text (Markdown)")
    drafted = body.input_value()
    for specific in ("⚠`10.20.0.15`", "⚠`web-01.dnipro-logistics.example`", "⚠`petro@dnipro-logistics.example`"):
        assert specific in drafted
    assert "php-cli lost sendmail_path" in drafted
    screenshots(page, "kb-1-agent-draft")
    body.fill("## Symptoms\n\nCron jobs run but their mail never arrives after a PHP upgrade.\n\n"
              "## Resolution\n\nSet `sendmail_path = /usr/sbin/sendmail -t -i` in the CLI's `php.ini` again.")
    page.get_by_label("Who may read it").select_option("organizations")
    page.get_by_label("Organizations").select_option(label="Dnipro Logistics")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Sent for review.").wait_for()
    assert page.get_by_role("button", name="Publish").count() == 0  # an agent is no reviewer
    article_url = page.url

    # The manager publishes it.
    context, manager = _as(browser, live_server, "manager@zayavka.example")
    manager.goto(article_url)
    manager.get_by_role("button", name="Publish").click()
    manager.get_by_text("Published.").wait_for()
    assert "Dnipro Logistics" in manager.locator("main").inner_text()
    screenshots(manager, "kb-2-reviewer-published")
    context.close()

    # A contact of Dnipro Logistics typing a similar title is offered it, and it solves their problem.
    with live_app.app_context():
        tickets_before = tickets.db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
    context, client = _as(browser, live_server, "petro@dnipro-logistics.example")
    found = _type_a_new_ticket(client, "cron mails stopped")
    assert found and found[0]["title"] == TITLE
    suggestion = client.locator("#kb-suggestions .kb-suggestion", has_text=TITLE)
    suggestion.wait_for()
    screenshots(client, "kb-3-client-suggestion-en")
    suggestion.get_by_role("button", name="This solved it").click()
    client.get_by_text("No ticket was opened").wait_for()
    context.close()
    with live_app.app_context():
        article = tickets.db.session.scalar(sa.select(Article).where(Article.title == TITLE))
        assert article.deflections == 1 and article.status == "published"
        assert tickets.db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == tickets_before

    # A contact of Lviv Pharma typing the same sees nothing of it, not even in the knowledge base.
    context, other = _as(browser, live_server, "iryna@lvivpharma.example")
    found = _type_a_new_ticket(other, "cron mails stopped")
    assert TITLE not in [f["title"] for f in found]
    assert TITLE not in other.locator("main").inner_text()
    other.goto("/portal/kb/?q=cron")
    assert TITLE not in other.locator("main").inner_text()
    assert other.goto(article_url.replace("/kb/", "/portal/kb/")).status == 404
    screenshots(other, "kb-4-other-organization")
    context.close()


def test_a_contact_reading_ukrainian_gets_the_ukrainian_article(browser, live_server, screenshots):
    context, client = _as(browser, live_server, "yulia@dnipro-logistics.example", screen="phone")
    client.wait_for_url("**/portal/")
    client.locator(".navbar-toggler").click()
    choose_language(client, "Українська")
    client.wait_for_load_state()
    found = _type_a_new_ticket(client, "пошта повертається spf")
    assert found[0]["title"] == "Пошта до Gmail повертається з «550 SPF fail»"
    client.locator("#kb-suggestions .kb-suggestion").first.wait_for()
    assert "Ця стаття" not in client.locator("#kb-suggestions").inner_text()
    assert "Це вирішило проблему" in client.locator("#kb-suggestions").inner_text()
    screenshots(client, "kb-5-client-suggestion-uk-phone")
    client.goto("/portal/kb/")
    client.get_by_role("heading", name="База знань").wait_for()
    screenshots(client, "kb-6-portal-knowledge-base-uk")
    client.locator(".navbar-toggler").click()
    choose_language(client, "English")  # leave the contact as the other tests found them
    context.close()


def test_an_agent_inserts_a_related_article_into_a_reply(page, live_app, screenshots):
    with live_app.app_context():
        anna = tickets.db.session.scalar(sa.select(User).where(User.email == "anna@dnipro-logistics.example"))
        number = tickets.create_ticket(anna, kind="incident", title="Our mail to Gmail bounces: 550 SPF fail",
                                       description="Every message to gmail.com comes back since this morning.").number
        spf = tickets.db.session.scalar(sa.select(Article).where(Article.title.like("Mail to Gmail bounces%")))
        uses = spf.uses
    log_in(page, "ivan@zayavka.example")
    page.goto(f"/tickets/{number}")
    panel = page.locator("#kb-panel")
    row = panel.locator("li", has_text="Mail to Gmail bounces with “550 SPF fail”")
    with page.expect_response(lambda r: r.url.endswith("/use?ticket=" + number) or "/use?" in r.url) as used:
        row.get_by_role("button", name="Insert link into reply").click()
    assert used.value.status == 200
    reply = page.locator("#reply textarea[name=body]").input_value()
    assert reply.startswith("[Mail to Gmail bounces with “550 SPF fail”](") and f"/portal/kb/{spf.id})" in reply
    screenshots(page, "kb-7-agent-inserts-a-link")
    with live_app.app_context():
        assert tickets.db.session.get(Article, spf.id).uses == uses + 1
