"""Service levels in Chromium, in English and Ukrainian, on a desktop and a phone: an agent sorts
the queue by the nearest due time and opens a ticket with its timers and the clock's segments; a
client reads the clock in the portal, another that their order waits for a supplier; an admin
previews a calendar's week, computes a deadline and sees the policy's third-party checkbox.
Screenshots: test-output/screenshots/sla-<language>-<screen>-<step>.png"""
import pytest
import sqlalchemy as sa

from app.tickets.models import Ticket
from tests.browser.test_pages import choose_language, log_in

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "en": {"language": "English", "first": "First answer due by", "met": "met at", "paused": "waiting for your reply",
           "panel": "Service level", "clock": "The clock", "compute": "Compute the deadline", "holiday": "Holiday",
           "third": "Waiting for a third party", "third_client": "Waiting for a third party (a supplier)",
           "third_pause": "Pause while waiting for a third party", "off": "Off by default"},
    "uk": {"language": "Українська", "first": "Перша відповідь — до", "met": "надано о",
           "paused": "чекаємо на вашу відповідь", "panel": "Рівень обслуговування", "clock": "Годинник",
           "compute": "Обчислити строк", "holiday": "Свято",
           "third": "Очікує на третю сторону", "third_client": "Очікує на третю сторону (постачальника)",
           "third_pause": "Зупиняти годинник, поки заявка очікує на третю сторону", "off": "Типово вимкнено"},
}
SERVER = "New virtual server: app-04"  # the demo's order waiting for the vendor's licences


def due_times(live_app, numbers):
    """The nearest due time of each ticket as the queue sorts (first response, else resolution; None last)."""
    with live_app.app_context():
        session = live_app.extensions["sqlalchemy"].session
        rows = dict(session.execute(sa.select(Ticket.number, sa.func.coalesce(
            Ticket.first_response_due, Ticket.resolution_due)).where(Ticket.number.in_(numbers))).all())
        session.remove()
    return [rows[n] for n in numbers]


def open_tab(browser, live_server, screen):
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def speak(page, screen, language):
    if screen == "phone":
        page.wait_for_load_state("load")  # the menu button works once Bootstrap's script has run
        page.locator(".navbar-toggler").click()
        page.locator("#language-menu").wait_for(state="visible")
    choose_language(page, WORDS[language]["language"])


@pytest.mark.parametrize("language,screen", [("en", "desktop"), ("uk", "desktop"), ("en", "phone"), ("uk", "phone")])
def test_the_clock_for_agents_clients_and_admins(browser, live_app, live_server, screenshots, language, screen):
    words = WORDS[language]
    shot = lambda page, step: screenshots(page, f"sla-{language}-{screen}-{step}")  # noqa: E731

    # The agent: the queue by the nearest due time, then a ticket's timers and segments.
    context, page, errors = open_tab(browser, live_server, screen)
    try:
        log_in(page, "ivan@zayavka.example")
        page.locator("#main-nav").wait_for(state="attached")
        if language != "en":
            speak(page, screen, language)
        page.goto("/tickets/?view=open")
        page.locator("select[name=sort]").select_option("due")
        page.locator(".filter-bar button[type=submit]").click()
        page.wait_for_url("**sort=due**")
        assert page.locator("select[name=sort]").input_value() == "due"
        page.get_by_role("link", name="Disk almost full on db-03").first.wait_for()
        numbers = page.locator(".ticket-list tbody td:nth-child(2) a").all_inner_texts()
        due = due_times(live_app, numbers)
        timed = [d for d in due if d is not None]
        assert len(timed) >= 3 and timed == sorted(timed), list(zip(numbers, due, strict=True))
        assert due[:len(timed)] == timed  # those without a due time (problems, changes, paused) come last
        shot(page, "1-queue-by-due")
        page.get_by_role("link", name=SERVER).first.click()
        assert words["third"] in page.locator("h1 + div").inner_text()
        shot(page, "1b-request-waiting-for-a-third-party")
        page.go_back()
        page.get_by_role("link", name="Disk almost full on db-03").first.click()
        panel = page.locator("#sla-panel")
        panel.wait_for()
        assert words["panel"] in panel.inner_text()
        panel.locator("summary").click()
        assert panel.locator(".sla-segments li").count() >= 1
        panel.scroll_into_view_if_needed()
        shot(page, "2-ticket-timers")
    finally:
        if language != "en":
            speak(page, screen, "en")
        context.close()
    assert not errors, errors

    # The client: the clock in their words on the portal's ticket page.
    context, page, errors = open_tab(browser, live_server, screen)
    try:
        log_in(page, "iryna@lvivpharma.example")
        page.locator(".portal-main").wait_for()
        if language != "en":
            speak(page, screen, language)
        page.get_by_role("link", name="VPN to the lab drops every hour").first.click()
        lines = page.locator("#sla-lines")
        lines.wait_for()
        said = lines.inner_text()
        assert words["first"] in said and words["met"] in said and words["paused"] in said, said
        shot(page, "3-portal-clock")
    finally:
        if language != "en":
            speak(page, screen, "en")
        context.close()
    assert not errors, errors

    # Another client: their order waits for a supplier, said in their words (the Standard clock runs on).
    context, page, errors = open_tab(browser, live_server, screen)
    try:
        log_in(page, "anna@dnipro-logistics.example")
        page.locator(".portal-main").wait_for()
        if language != "en":
            speak(page, screen, language)
        page.get_by_role("link", name=SERVER).first.click()
        page.locator("#ticket-status").wait_for()
        assert page.locator("#ticket-status").inner_text().strip() == words["third_client"]
        assert words["paused"] not in page.locator("#sla-lines").inner_text()
        shot(page, "3b-portal-waiting-for-a-supplier")
    finally:
        if language != "en":
            speak(page, screen, "en")
        context.close()
    assert not errors, errors

    # The admin: a calendar's week and the deadline calculator.
    context, page, errors = open_tab(browser, live_server, screen)
    try:
        log_in(page, "admin@zayavka.example")
        page.locator("#main-nav").wait_for(state="attached")
        if language != "en":
            speak(page, screen, language)
        page.goto("/sla/calendars")
        page.get_by_role("link", name="Kyiv office hours").click()
        page.locator("#week-preview").wait_for()
        page.goto(page.url.split("?")[0] + "?week=2026-08-24")  # Independence Day week
        assert words["holiday"] in page.locator("#week-preview").inner_text()
        page.locator("#start").fill("2026-08-21T17:00")
        page.locator("#minutes").fill("120")
        page.locator("#deadline-calculator button[type=submit]").click()
        result = page.locator("#deadline-result")
        result.wait_for()
        assert "10:00" in result.inner_text()  # Fri 17–18, Monday the 24th a holiday, Tue 09–10
        shot(page, "4-calendar-preview-and-calculator")
        page.goto("/sla/breaches")
        page.locator("#compliance").wait_for()
        shot(page, "5-breaches")
        page.goto("/sla/policies")
        shot(page, "6-policies")
        page.get_by_role("link", name="Standard", exact=True).click()
        checkbox = page.get_by_label(words["third_pause"])
        checkbox.wait_for()
        assert not checkbox.is_checked()  # the demo's default policy keeps the clock running
        assert words["off"] in page.locator("#policy-form").inner_text()
        checkbox.scroll_into_view_if_needed()
        shot(page, "7-policy-third-party")
    finally:
        if language != "en":
            speak(page, screen, "en")
        context.close()
    assert not errors, errors
