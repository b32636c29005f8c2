"""What a person sees in Chromium: every demo role logs in, lands on its home
page, switches to Ukrainian and back. Screenshots go to test-output/screenshots/."""
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.demo import DEMO_PASSWORD

HOMES = [
    ("admin@zayavka.example", "admin", "Administration", "Адміністрування"),
    ("manager@zayavka.example", "manager", "Manager overview", "Огляд менеджера"),
    ("ivan@zayavka.example", "agent", "Agent workspace", "Робоче місце агента"),
    ("anna@dnipro-logistics.example", "client_admin", "Your tickets", "Ваші заявки"),  # clients land in the portal
    ("petro@dnipro-logistics.example", "client_user", "Your tickets", "Ваші заявки"),
]


def log_in(page, email, password=DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def nav_link(page, name):
    return page.locator("#main-nav").get_by_role("link", name=name)


def choose_language(page, name):
    """Open the language menu and choose. A click before Bootstrap's script has run opens
    nothing (seen on a busy machine), so wait for the page to load and click again if the
    menu did not open."""
    page.wait_for_load_state("load")
    choice = page.get_by_role("button", name=name)
    for _attempt in range(3):
        page.locator("#language-menu").click()
        try:
            choice.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    choice.click()


@pytest.mark.parametrize("email,role,heading,heading_uk", HOMES, ids=[h[1] for h in HOMES])
def test_each_role_lands_on_its_home_page_in_both_languages(page, screenshots, email, role, heading, heading_uk):
    log_in(page, email)
    page.get_by_role("heading", name=heading).wait_for()
    assert page.title() == f"{heading} · Zayavka"
    screenshots(page, f"home-{role}")

    choose_language(page, "Українська")
    page.get_by_role("heading", name=heading_uk).wait_for()
    assert page.locator("html").get_attribute("lang") == "uk"
    screenshots(page, f"home-{role}-uk")

    choose_language(page, "English")  # the choice is saved in the profile: put it back
    page.get_by_role("heading", name=heading).wait_for()
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You have been logged out.").wait_for()


def test_login_page_and_a_wrong_password(page, screenshots):
    page.goto("/login")
    screenshots(page, "login")
    log_in(page, "ivan@zayavka.example", "not the password")
    page.get_by_text("Invalid e-mail or password.").wait_for()
    screenshots(page, "login-error")


def test_login_page_in_ukrainian_for_a_ukrainian_browser(browser, live_server, screenshots):
    context = browser.new_context(base_url=live_server, locale="uk-UA")
    page = context.new_page()
    page.goto("/login")
    page.get_by_role("heading", name="Увійти до Zayavka").wait_for()
    screenshots(page, "login-uk")
    context.close()


def test_admin_creates_an_organization_and_a_contact(page, screenshots):
    log_in(page, "admin@zayavka.example")
    nav_link(page, "Organizations").click()
    page.get_by_role("link", name="New organization").click()
    page.get_by_label("Short code").fill("ODESA")
    page.get_by_label("Name").fill("Odesa Port Services")
    page.get_by_label("E-mail").fill("it@odesaport.example")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Organization Odesa Port Services created.").wait_for()
    page.get_by_role("link", name="Add contact").click()
    page.get_by_label("Name").fill("Olha Marchenko")
    page.get_by_label("E-mail").fill("olha@odesaport.example")
    page.get_by_label("Role").select_option("client_admin")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Olha Marchenko has been added").wait_for()
    screenshots(page, "organization-detail")
    nav_link(page, "Organizations").click()
    screenshots(page, "organizations")


def test_admin_pages_render(page, screenshots):
    log_in(page, "admin@zayavka.example")
    for path, name in [("/users/", "users"), ("/teams/", "teams"), ("/teams/1", "team-detail"),
                       ("/profile", "profile"), ("/users/new", "user-new")]:
        page.goto(path)
        screenshots(page, name)


def test_client_admin_sees_own_organization_only(page, screenshots, console_errors):
    log_in(page, "anna@dnipro-logistics.example")
    page.locator("#portal-nav").get_by_role("link", name="Colleagues").click()
    page.get_by_role("heading", name="Colleagues").wait_for()
    assert page.get_by_text("@dnipro-logistics.example").count() >= 2
    assert page.get_by_text("lvivpharma").count() == 0
    screenshots(page, "client-colleagues")
    response = page.goto("/organizations/2")
    assert response.status == 404
    assert console_errors == ["Failed to load resource: the server responded with a status of 404 (NOT FOUND)"]
    console_errors.clear()
    screenshots(page, "not-found")


def test_small_screen_layout(browser, live_server, screenshots):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    log_in(page, "petro@dnipro-logistics.example")
    page.get_by_role("heading", name="Your tickets").wait_for()
    screenshots(page, "mobile-client-home")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Services").wait_for()
    screenshots(page, "mobile-menu")
    context.close()


def test_portal_and_its_settings_render(page, screenshots):
    log_in(page, "anna@dnipro-logistics.example")
    page.get_by_role("heading", name="Your tickets").wait_for()
    for path, name in [("/portal/tickets?state=all", "portal-tickets"), ("/portal/services", "portal-services"),
                       ("/portal/colleagues", "portal-colleagues"), ("/requests/approvals", "portal-approvals"),
                       ("/profile", "portal-profile")]:
        page.goto(path)
        assert page.locator("#portal-nav").count() == 1, path  # every client page keeps the portal's look
        screenshots(page, name)
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, "admin@zayavka.example")
    for path, name in [("/settings/portal/", "portal-settings"), ("/settings/portal/categories/network",
                                                                  "portal-settings-category"),
                       ("/reports/ratings", "ratings-report")]:
        page.goto(path)
        screenshots(page, name)
