"""The worst hour of the year, in Chromium: the core switch in Lviv fails. The network engineer
declares her incident major, names the affected organizations, links two clients' incidents as
children and posts two public updates (English and Ukrainian). Each affected client's contacts get
the mails (SMTP sink) and see the banner and the status page with both updates — in English and in
Ukrainian, on a desktop and on a phone — while a client of an unaffected organization sees nothing
of it. Resolving resolves the children with a message; the review makes its problem in one click.
Screenshots: test-output/screenshots/major-*.png"""
import sqlalchemy as sa

from app.auth.models import User
from app.orgs.models import Organization
from app.tickets import services as tickets
from app.tickets.models import Ticket
from tests.browser.test_client_story import SCREENS
from tests.browser.test_pages import choose_language, log_in
from tests.conftest import smtp_sink
from tests.helpers import run_jobs

SUMMARY = "Network in the Lviv data centre"
UPDATES = [("The core switch core-sw-lviv-1 failed at 10:05. Traffic is moving to the spare; next update by 11:00.",
            "Комутатор core-sw-lviv-1 відмовив о 10:05. Переводимо трафік на резервний; наступне оновлення до 11:00."),
           ("The spare switch carries all traffic. We keep watching; the faulty unit is being replaced.",
            "Резервний комутатор несе весь трафік. Спостерігаємо; несправний блок замінюють.")]
WORDS = {"en": {"language": "English", "status": "Service status", "banner": "Latest update"},
         "uk": {"language": "Українська", "status": "Стан сервісів", "banner": "Останнє оновлення"}}


def _user(email):
    return User.query.session.scalar(sa.select(User).where(User.email == email))


def _org(code):
    return User.query.session.scalar(sa.select(Organization).where(Organization.code == code))


def prepare(live_app):
    """The network engineer's incident (assigned to her), and one incident from each of two clients."""
    with live_app.app_context():
        oksana = _user("oksana@zayavka.example")
        outage = tickets.create_ticket(oksana, kind="incident", title="core-sw-lviv-1 is down: Lviv racks unreachable",
                                       organization=_org("DNIPRO"), impact=1, urgency=1, category="network",
                                       affected_system="core-sw-lviv-1", assignee=oksana)
        children = [tickets.create_ticket(_user("petro@dnipro-logistics.example"), kind="incident",
                                          title="db-01 does not answer", description="Since 10:05 nothing connects.",
                                          affected_system="db-01"),
                    tickets.create_ticket(_user("iryna@lvivpharma.example"), kind="incident",
                                          title="LIMS does not open", description="Timeout from every office PC.",
                                          affected_system="lims-01")]
        return outage.number, [c.number for c in children]


def new_page(browser, live_server, screen, errors):
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page


def in_language(page, language, screen):
    """Choose the language (saved in the profile: tests that choose Ukrainian go back to English)."""
    page.wait_for_load_state("load")
    if page.locator(".navbar-toggler").is_visible():  # a phone: the menu is folded
        page.locator(".navbar-toggler").click()
    choose_language(page, WORDS[language]["language"])


def test_a_major_incident_from_declaration_to_review(browser, live_server, live_app, screenshots):
    errors = []
    with smtp_sink(live_app) as sink:
        run_jobs(live_app)  # what earlier tests left queued
        sink.messages.clear()
        number, children = prepare(live_app)
        run_jobs(live_app)
        sink.messages.clear()
        engineer_works(browser, live_server, live_app, screenshots, number, children, errors)
        run_jobs(live_app)
        check_mails(sink)
        sink.messages.clear()
        for email, language, screen in (("anna@dnipro-logistics.example", "en", "desktop"),
                                        ("anna@dnipro-logistics.example", "uk", "phone"),
                                        ("roman@lvivpharma.example", "uk", "desktop"),
                                        ("roman@lvivpharma.example", "en", "phone")):
            client_sees(browser, live_server, screenshots, email, language, screen, errors)
        unaffected_sees_nothing(browser, live_server, screenshots, errors)
        engineer_resolves(browser, live_server, live_app, screenshots, number, children, errors)
        run_jobs(live_app)
        resolved = [m for m in sink.messages if any(c in m["Subject"] for c in children)]
        assert {m["To"] for m in resolved} >= {"petro@dnipro-logistics.example", "iryna@lvivpharma.example"}
    assert not errors, f"browser console errors: {errors}"


def engineer_works(browser, live_server, live_app, screenshots, number, children, errors):
    context, page = new_page(browser, live_server, "desktop", errors)
    log_in(page, "oksana@zayavka.example")
    in_language(page, "en", "desktop")
    page.goto(f"/tickets/{number}")
    panel = page.locator("#incident-panel")
    panel.get_by_placeholder("Why is it major?").fill("Every rack in Lviv lost its network")
    screenshots(page, "major-1-declare-on-ticket")
    panel.get_by_role("button", name="Declare a major incident").click()
    page.get_by_text(f"{number} is a major incident.").wait_for()

    affected = page.locator("#affected")
    affected.get_by_label("Affected organizations").select_option(label=["Lviv Pharma (LVIVPHARM)"])
    affected.get_by_label("What clients read as affected").fill(SUMMARY)
    affected.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()

    page.locator("#children").get_by_label("Child incidents").fill(", ".join(children))
    page.locator("#children").get_by_role("button", name="Link as children").click()
    page.get_by_text(f"Linked: {', '.join(children)}.").wait_for()

    for english, ukrainian in UPDATES:
        form = page.locator("#post-update")
        form.get_by_label("Update (English)").fill(english)
        form.get_by_label("Update (Ukrainian, optional)").fill(ukrainian)
        form.get_by_role("button", name="Post a status update").click()
        page.get_by_text("Update posted.").wait_for()
    timeline = page.locator("#timeline")
    assert timeline.locator(".update-public").count() == 2
    timeline.get_by_text("Every rack in Lviv lost its network").wait_for()  # the declaration, with why
    for child in children:
        page.locator("#children").get_by_text(child).wait_for()
    screenshots(page, "major-2-incident-page")
    page.goto("/incidents/")
    row = page.locator(".incident-row", has_text=number)
    assert "Major" in row.inner_text() and "Lviv Pharma" in row.inner_text()
    rows = page.locator(".incident-row").all_inner_texts()
    assert all("Major" in text for text in rows[:rows.index(row.inner_text()) + 1])  # major ones first
    screenshots(page, "major-3-incident-list")
    context.close()

    context, page = new_page(browser, live_server, "phone", errors)  # the same page, in Ukrainian, on a phone
    log_in(page, "oksana@zayavka.example")
    page.goto(f"/incidents/{number}")
    in_language(page, "uk", "phone")
    page.get_by_role("button", name="Опублікувати оновлення статусу").wait_for()
    screenshots(page, "major-4-incident-page-uk-phone")
    in_language(page, "en", "phone")
    context.close()


def check_mails(sink):
    told = {}
    for message in sink.messages:
        told.setdefault(message["To"], []).append(message)
    contacts = {"anna@dnipro-logistics.example", "petro@dnipro-logistics.example", "yulia@dnipro-logistics.example",
                "roman@lvivpharma.example", "iryna@lvivpharma.example"}
    assert contacts <= set(told), sorted(told)
    for email in contacts:
        updates = [m for m in told[email] if SUMMARY in m["Subject"]]
        assert len(updates) == 2, (email, [m["Subject"] for m in told[email]])
        bodies = "".join(sink.body(m) for m in updates)
        assert UPDATES[0][0] in bodies and UPDATES[1][0] in bodies and "(Europe/Kyiv)" in bodies
    assert not [to for to in told if to.endswith("@kyivmedia.example")]


def client_sees(browser, live_server, screenshots, email, language, screen, errors):
    words = WORDS[language]
    context, page = new_page(browser, live_server, screen, errors)
    log_in(page, email)
    page.locator(".service-banner", has_text=SUMMARY).wait_for()
    in_language(page, language, screen)  # whatever language earlier tests left in the profile
    banner = page.locator(".service-banner", has_text=SUMMARY)
    text = banner.inner_text()
    assert words["banner"] in text and UPDATES[1][0 if language == "en" else 1] in text
    who = email.split("@")[0]
    screenshots(page, f"major-5-{who}-{language}-{screen}-banner")
    page.goto("/portal/status")
    page.get_by_role("heading", name=words["status"]).wait_for()
    item = page.locator(".status-item", has_text=SUMMARY)
    for english, ukrainian in UPDATES:
        item.get_by_text(english if language == "en" else ukrainian).wait_for()
    assert "core-sw-lviv-1 is down" not in page.content()  # the provider's own title stays inside
    screenshots(page, f"major-6-{who}-{language}-{screen}-status")
    if language != "en":
        in_language(page, "en", screen)
    context.close()


def unaffected_sees_nothing(browser, live_server, screenshots, errors):
    context, page = new_page(browser, live_server, "desktop", errors)
    log_in(page, "dmytro@kyivmedia.example")
    page.locator(".portal-main h1").wait_for()  # the home page, in whichever language earlier tests left
    assert SUMMARY not in page.content() and "core-sw-lviv-1" not in page.content()
    page.goto("/portal/status")
    assert SUMMARY not in page.content() and UPDATES[0][0] not in page.content()
    screenshots(page, "major-7-unaffected-status")
    context.close()


def engineer_resolves(browser, live_server, live_app, screenshots, number, children, errors):
    context, page = new_page(browser, live_server, "desktop", errors)
    log_in(page, "oksana@zayavka.example")
    in_language(page, "en", "desktop")
    page.goto(f"/incidents/{number}")
    resolve = page.locator("#resolve")
    resolve.get_by_label("How it was resolved").select_option("hardware_replaced")
    resolve.get_by_label("Resolution", exact=True).fill("core-sw-lviv-1 replaced; traffic back on it.")
    resolve.get_by_label("Message to the children's requesters").fill(
        "The network in Lviv is back since 11:40. Sorry for the trouble.")
    resolve.get_by_role("button", name="Resolve with its children").click()
    page.get_by_text(f"Resolved: {', '.join(children)}, {number}.").wait_for()
    review = page.locator("#review")
    review.get_by_label("Root cause").fill("A line card's firmware bug rebooted the switch in a loop.")
    review.get_by_role("button", name="Create the problem").click()
    page.get_by_text("created and linked.").wait_for()
    problem = page.locator("#review-problem a").inner_text()
    review.get_by_label("What to change").fill("Upgrade the line cards' firmware; a second core switch in Lviv.")
    review.get_by_role("button", name="Save the review").click()
    page.get_by_text("Review saved.").wait_for()
    screenshots(page, "major-8-review")
    context.close()
    with live_app.app_context():
        rows = {t.number: t for t in User.query.session.scalars(sa.select(Ticket).where(
            Ticket.number.in_([*children, number, problem])))}
        assert [rows[c].status for c in children] == ["resolved", "resolved"]
        assert all(rows[c].messages[-1].body_text.startswith("The network in Lviv is back") for c in children)
        assert rows[problem].kind == "problem" and "firmware" in rows[problem].problem_detail.root_cause
