"""Nothing cut off on a phone: every role (client user, client admin, agent, manager, admin) walks
every GET page it can open (each page without arguments, plus the detail and edit pages of one
object of each kind) at 390×844 in Ukrainian, and no page is wider than the screen. A failure
names the pages and their widths. Screenshots: test-output/screenshots/phone-<role>-*.png for the
homes, the lists and the detail pages."""
import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from tests.browser.test_pages import log_in
from tests.test_tenancy import html_rules

PEOPLE = {"client_user": "petro@dnipro-logistics.example", "client_admin": "anna@dnipro-logistics.example",
          "agent": "ivan@zayavka.example", "manager": "manager@zayavka.example", "admin": "admin@zayavka.example"}
SKIP = ("auth.logout", "auth.login", "auth.forgot_password", "auth.set_language", "auth.reset_password")
SHOOT = re.compile(r"^/(portal/?|portal/tickets/[A-Z]+-\d+|tickets/?|tickets/[A-Z]+-\d+|users/|organizations/\d*|"
                   r"teams/\d*|changes/calendar|cmdb/\d*|kb/\d*|reports/?|incidents/[A-Z]+-\d+)?$")

# The innermost element that reaches past the screen's right edge, to name in a failure.
WIDEST = """() => {
  const over = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
      && !e.closest('.table-responsive, .overflow-auto, .visually-hidden'));
  const inner = over.filter(e => !over.some(o => o !== e && e.contains(o)));
  return inner.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim()
      .split(/\\s+/).join('.') : '') + ' "' + (e.textContent || '').trim().slice(0, 40) + '"');
}"""


def object_pages(live_app) -> list[str]:
    """The detail and edit pages of one object of each kind in the demo."""
    from app.changes.models import MaintenanceWindow  # noqa: F401 (the windows are listed, not opened)
    from app.orgs.models import Organization, Team
    from app.portal.models import PortalCategory
    from app.requests.models import RequestItem
    from app.routing.models import RoutingRule
    from app.tickets.models import CannedResponse, Ticket
    from cmdb.models import CI, CIClass
    from kb.models import Article
    from sla.models import SlaCalendar, SlaPolicy

    def first(column, *where):
        return db.session.scalar(sa.select(column).where(*where).order_by(column).limit(1))

    with live_app.app_context():
        client_org = db.session.scalar(sa.select(User.organization_id).where(User.email == PEOPLE["client_user"]))
        pages = [f"/tickets/{first(Ticket.number, Ticket.kind == kind)}"
                 for kind in ("incident", "request", "problem", "change")]
        pages += [f"/portal/tickets/{first(Ticket.number, Ticket.organization_id == client_org, Ticket.kind == kind)}"
                  for kind in ("incident", "request")]
        pages += [f"/incidents/{first(Ticket.number, Ticket.kind == 'incident')}",
                  f"/changes/{first(Ticket.number, Ticket.kind == 'change')}/edit"]
        org = db.session.get(Organization, client_org)
        contact = first(User.id, User.organization_id == client_org)
        ci, article = first(CI.id), first(Article.id)
        pages += [f"/organizations/{org.id}", f"/organizations/{org.id}/edit",
                  f"/organizations/{org.id}/contacts/{contact}/edit", f"/reports/monthly/{org.code}",
                  f"/teams/{first(Team.id)}", f"/teams/{first(Team.id)}/edit", f"/users/{contact}/edit",
                  f"/cmdb/{ci}", f"/cmdb/{ci}/edit", f"/cmdb/classes/{first(CIClass.id)}/edit",
                  f"/kb/{article}", f"/kb/{article}/edit", f"/portal/kb/{article}",
                  f"/sla/policies/{first(SlaPolicy.id)}", f"/sla/calendars/{first(SlaCalendar.id)}",
                  f"/sla/calendars/{first(SlaCalendar.id)}/edit"]
        item = first(RequestItem.id)
        if item:
            pages += [f"/requests/catalog/{item}/edit", f"/requests/catalog/{item}/order", f"/portal/services/{item}"]
        for url, value in (("/admin/routing/{}", first(RoutingRule.id)),
                           ("/canned/{}/edit", first(CannedResponse.id)),
                           ("/settings/portal/categories/{}", first(PortalCategory.key))):
            if value is not None:
                pages.append(url.format(value))
    return pages


def plain_pages() -> list[str]:
    return sorted({r.rule for r in html_rules() if not r.arguments and "GET" in r.methods and r.endpoint not in SKIP
                   and not r.rule.endswith((".csv", ".xlsx", ".json", ".ics"))})


@pytest.fixture
def in_ukrainian(live_app):
    """The five people read Ukrainian for the test (their saved choice), and get their own back after it."""
    with live_app.app_context():
        people = db.session.scalars(sa.select(User).where(User.email.in_(PEOPLE.values()))).all()
        before = {user.id: user.locale for user in people}
        for user in people:
            user.locale = "uk"
        db.session.commit()
    yield
    with live_app.app_context():
        for user_id, locale in before.items():
            db.session.get(User, user_id).locale = locale
        db.session.commit()


@pytest.mark.parametrize("role", PEOPLE)
def test_no_page_is_wider_than_a_phone(browser, live_server, live_app, in_ukrainian, screenshots, role):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="en-US")
    page = context.new_page()
    log_in(page, PEOPLE[role])
    page.wait_for_load_state("load")
    too_wide, walked = {}, 0
    for url in plain_pages() + object_pages(live_app):
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        walked += 1
        assert page.locator("html").get_attribute("lang") == "uk", url
        width, screen = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width > screen:
            too_wide[url] = (width, page.evaluate(WIDEST))
        if SHOOT.match(url):
            screenshots(page, "phone-" + role + "-" + (url.strip("/").replace("/", "-") or "home"))
    context.close()
    assert walked >= 8, f"{role} opened only {walked} pages"
    assert not too_wide, f"wider than the 390 px screen for {role}: {too_wide}"
