"""A client's whole story in Chromium, in English and in Ukrainian, on a desktop
and on a phone: log in, open a ticket about a server with two files (one of them
dropped onto the form), see the "already reported?" suggestion, get the
acknowledgement mail, read the engineer's answer, close the ticket and rate it.
Screenshots: test-output/screenshots/client-<language>-<screen>-<step>.png"""
import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.tickets import services
from app.tickets.models import Ticket
from tests.browser.test_pages import choose_language, log_in
from tests.conftest import smtp_sink
from tests.helpers import run_jobs

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TEXTS = {
    "en": {"language": "English", "heading": "Your tickets", "received": "has been received",
           "subject": "We received your ticket", "thanks": "Thank you for your rating."},
    "uk": {"language": "Українська", "heading": "Ваші заявки", "received": "отримано",
           "subject": "Ми отримали вашу заявку", "thanks": "Дякуємо за вашу оцінку."},
}
MTR = "HOST: office-gw        Loss%   Snt   Last   Avg\n  1.|-- 10.0.0.1      0.0%    10    0.4   0.5\n"


@pytest.mark.parametrize("language,screen", [("en", "desktop"), ("uk", "desktop"), ("en", "phone"), ("uk", "phone")])
def test_a_client_opens_follows_closes_and_rates_a_ticket(browser, live_server, live_app, screenshots, tmp_path,
                                                         language, screen):
    words = TEXTS[language]
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    shot = lambda step: screenshots(page, f"client-{language}-{screen}-{step}")  # noqa: E731

    log_in(page, "petro@dnipro-logistics.example")
    page.get_by_role("heading", name="Your tickets").wait_for()
    if language != "en":
        if screen == "phone":
            page.locator(".navbar-toggler").click()
        choose_language(page, words["language"])
        page.get_by_role("heading", name=words["heading"]).wait_for()
    shot("1-home")
    page.screenshot(path=str(tmp_path / "panel.png"))  # a real screenshot to attach

    # The guided form: server, title (with live advice), category (with its hint), description, files.
    page.locator(".portal-main a[href='/portal/new']").first.click()
    page.locator("#affected_system").fill("db-03")
    page.locator("#title").fill("help")
    page.locator("#title-hint").wait_for()
    page.locator("#title").fill("db-03: disk almost full again on /var")
    page.locator("#category").select_option("disk")
    assert "smartctl" in page.locator("#category-hint").inner_text()
    page.locator("#description").fill("Since this morning /var on db-03 is at 96% again; df -h output attached.")
    page.locator("#attachments").set_input_files(str(tmp_path / "panel.png"))
    dropped = page.evaluate_handle("""([name, text]) => {
        const data = new DataTransfer();
        data.items.add(new File([text], name, {type: "text/plain"}));
        return data;
    }""", ["mtr-office.txt", MTR])
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": dropped})
    assert page.locator("[data-file-list] li").count() == 2

    # "Is it already reported?": the open ticket about db-03's disk is offered.
    page.locator("#similar").get_by_text("Disk almost full on db-03").wait_for()
    shot("2-new-ticket")
    page.locator("#submit").click()
    page.get_by_text(words["received"]).wait_for()
    number = page.url.rsplit("/", 1)[-1]
    assert page.locator(".attachment").count() == 2
    shot("3-ticket")

    # The acknowledgement reaches the client's mailbox, with the number in the subject.
    with smtp_sink(live_app) as sink:
        run_jobs(live_app)
    ack = [m for m in sink.messages if m["To"] == "petro@dnipro-logistics.example" and number in m["Subject"]]
    assert len(ack) == 1 and ack[0]["Subject"].startswith(f"[{number}] {words['subject']}")

    # An engineer answers; the client reads it.
    with live_app.app_context():
        engineer = live_app.extensions["sqlalchemy"].session.scalar(
            sa.select(User).where(User.email == "taras@zayavka.example"))
        ticket = live_app.extensions["sqlalchemy"].session.scalar(sa.select(Ticket).where(Ticket.number == number))
        services.reply(engineer, ticket, "We cleaned the old WAL files: /var is at 61% now.")
        live_app.extensions["sqlalchemy"].session.remove()
    page.reload()
    page.get_by_text("/var is at 61% now.").wait_for()
    shot("4-answer")

    # Solved: close it, then rate it.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/close'] button").click()
    page.locator("#rate").wait_for()
    page.locator(".star-rating label").first.click()  # the first label is 5 stars
    page.locator("#comment").fill("Fast and clear, thank you.")
    page.locator("#rate-submit").click()
    page.get_by_text(words["thanks"]).wait_for()
    assert page.locator("#rate .stars").inner_text() == "★★★★★"
    shot("5-rated")

    if language != "en":  # the language is kept in the profile: put it back
        if screen == "phone":
            page.locator(".navbar-toggler").click()
        choose_language(page, "English")
    context.close()
    assert not errors, f"browser console errors: {errors}"
