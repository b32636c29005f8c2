"""The engineer's day in Chromium, in English and Ukrainian, on a desktop and a phone: a client's
P2 portal ticket lands in Service Desk L1's queue in the same request and the team's address is
mailed; an engineer takes it with "Assign to me", answers with "Send and wait for the client",
later resolves it inline; the client rates it low from "Please rate" on her home; the manager's
home shows the low rating first. Screenshots: test-output/screenshots/day-<language>-<screen>-*.png"""
import pytest
import sqlalchemy as sa

from app.tickets.models import Ticket
from tests.browser.test_pages import choose_language, log_in
from tests.conftest import smtp_sink
from tests.helpers import run_jobs

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"en": "English", "uk": "Українська"}
TEXTS = {
    "en": {"received": "has been received", "waiting": "Waiting for the client", "resolved": "Resolved",
           "rate": "Please rate", "thanks": "Thank you for your rating."},
    "uk": {"received": "отримано", "waiting": "Очікує на клієнта", "resolved": "Вирішено",
           "rate": "Оцініть, будь ласка", "thanks": "Дякуємо за вашу оцінку."},
}


def no_horizontal_overflow(page, where):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where}: the page is {width[0]} px wide on a {width[1]} px screen"


class Person:
    """One person's browser tab in the chosen language and screen."""

    def __init__(self, browser, live_server, screen, language, email, shots, errors):
        self.context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
        self.page = self.context.new_page()
        self.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: errors.append(str(e)))
        self.screen, self.language, self.shots = screen, language, shots
        log_in(self.page, email)
        self.page.wait_for_load_state("load")
        self.speak(LANGUAGES[language])

    def speak(self, name):
        if self.language == "en" and name == "English":
            return
        if self.screen == "phone":
            self.page.locator(".navbar-toggler").click()
        choose_language(self.page, name)
        self.page.wait_for_load_state("load")

    def shot(self, name):
        self.shots(self.page, f"day-{self.language}-{self.screen}-{name}")
        if self.screen == "phone":
            no_horizontal_overflow(self.page, name)

    def done(self):
        self.speak("English")  # the language is kept in the profile: put it back
        self.context.close()


def ticket(live_app, number):
    with live_app.app_context():
        session = live_app.extensions["sqlalchemy"].session
        found = session.scalar(sa.select(Ticket).where(Ticket.number == number))
        values = (found.team.name if found.team else None, found.priority, found.status,
                  found.assignee.email if found.assignee else None)
        session.remove()
    return values


@pytest.mark.parametrize("language,screen", [("en", "desktop"), ("uk", "desktop"), ("en", "phone"), ("uk", "phone")])
def test_the_engineers_day(browser, live_server, live_app, screenshots, language, screen):
    words, errors = TEXTS[language], []
    title = f"db-03 stops our business ({language}, {screen})"

    # The client opens a P2 ticket in the portal.
    client = Person(browser, live_server, screen, language, "yulia@dnipro-logistics.example", screenshots, errors)
    page = client.page
    client.shot("1-client-home")
    page.locator(".portal-main a[href='/portal/new']").first.click()
    page.locator("#affected_system").fill("db-03")
    page.locator("#title").fill(title)
    page.locator("#category").select_option("disk")
    page.locator("#urgency").select_option("1")  # "It stops our business": P2 (the provider judges the impact)
    page.locator("#description").fill("The application cannot write: /var on db-03 is full.")
    page.locator("#submit").click()
    page.get_by_text(words["received"]).wait_for()
    number = page.url.rsplit("/", 1)[-1]
    assert ticket(live_app, number)[:3] == ("Service Desk L1", 2, "new")  # routed in the same request

    # The team's address hears of it.
    with smtp_sink(live_app) as sink:
        run_jobs(live_app)
    to_team = [m for m in sink.messages if m["To"] == "l1@zayavka.example" and number in m["Subject"]]
    assert len(to_team) == 1

    # An engineer of the team finds it in her teams' queue, takes it and asks the client.
    agent = Person(browser, live_server, screen, language, "maria@zayavka.example", screenshots, errors)
    apage = agent.page
    agent.shot("2-agent-home")
    apage.goto("/tickets/")  # "My teams' queues", the default view
    apage.get_by_role("link", name=title).first.wait_for()
    agent.shot("2b-agent-queue")
    if screen == "desktop":  # the keyboard: "?" lists the shortcuts, "/" goes to the number typed
        apage.wait_for_load_state("load")
        apage.keyboard.press("?")
        apage.locator("#shortcuts").wait_for(state="visible")
        apage.locator("#shortcuts .btn-close").click()
        apage.locator("#shortcuts").wait_for(state="hidden")
        apage.keyboard.press("/")
        apage.keyboard.type(number.split("-")[1])
        apage.keyboard.press("Enter")
        apage.wait_for_url(f"**/tickets/{number}")
    else:
        apage.get_by_role("link", name=title).first.click()
    apage.wait_for_load_state("load")
    apage.locator("form[action$='/take'] button").click()
    apage.wait_for_load_state("load")
    assert ticket(live_app, number)[3] == "maria@zayavka.example"
    apage.locator("#reply textarea[name=body]").fill("Which application writes to /var? We are freeing space now.")
    apage.locator("#reply input[name=send_wait]").click()
    apage.wait_for_load_state("load")
    apage.locator(".tstatus", has_text=words["waiting"]).first.wait_for()
    assert ticket(live_app, number)[2] == "pending"
    agent.shot("3-agent-waiting")

    # Later: she resolves it with the reply, the resolution asked beside it.
    apage.locator("#resolve-with-reply summary").click()
    apage.locator("#reply textarea[name=body]").fill("We moved the old WAL files: /var is at 58%.")
    apage.locator("#reply select[name=resolution_code]").select_option("fixed")
    agent.shot("4-agent-resolving")
    apage.locator("#reply input[name=send_resolve]").click()
    apage.wait_for_load_state("load")
    assert ticket(live_app, number)[2] == "resolved"
    agent.shot("5-agent-resolved")

    # The client rates it from "Please rate" on her home: two stars.
    page.goto("/portal/")
    rate = page.locator("#please-rate")
    rate.get_by_text(words["rate"]).wait_for()
    client.shot("6-client-please-rate")
    rate.locator(f"a[href$='/portal/tickets/{number}#rate']").click()
    page.locator(".star-rating label").nth(3).click()  # the first label is 5 stars, the fourth 2
    page.locator("#comment").fill(f"Too slow for a full disk ({language}, {screen}).")
    page.locator("#rate-submit").click()
    page.get_by_text(words["thanks"]).wait_for()
    client.shot("7-client-rated")

    # The manager's home shows the low rating first.
    manager = Person(browser, live_server, screen, language, "manager@zayavka.example", screenshots, errors)
    ratings = manager.page.locator("#ratings")
    ratings.get_by_text(number).wait_for()
    assert "★★☆☆☆" in ratings.locator("li", has_text=number).inner_text()
    manager.shot("8-manager-home")
    admin = Person(browser, live_server, screen, language, "admin@zayavka.example", screenshots, errors)
    admin.shot("9-admin-home")

    for person in (client, agent, manager, admin):
        person.done()
    assert not errors, f"browser console errors: {errors}"
