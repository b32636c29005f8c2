"""The CMDB in Chromium, on the demo estate: an engineer opens a client's server and asks "what
if this fails", links a provider hypervisor to that client's incident and computes the impact,
then marks the hypervisor failed; a client of that organization sees, in "My servers", the server
with its open ticket and why their website is degraded — in English and Ukrainian, on a desktop
and a phone — while a client of another organization sees none of it, and the hypervisor only as
"a provider component". Screenshots: test-output/screenshots/cmdb-….png"""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from cmdb import services
from cmdb.models import CI
from tests.browser.test_client_story import SCREENS
from tests.browser.test_pages import choose_language, log_in


def _ci(name, org_code=None):
    from app.orgs.models import Organization

    stmt = sa.select(CI).where(CI.name == name)
    if org_code:
        stmt = stmt.join(Organization, Organization.id == CI.organization_id).where(Organization.code == org_code)
    return services.db.session.scalar(stmt)


@pytest.fixture(scope="module")
def failed_hypervisor(live_app):
    yield
    with live_app.app_context():  # leave the estate as the other browser tests found it
        services.update_ci(SHELL, _ci("hv-kyiv-01"), status="in_production")


def test_an_engineer_asks_what_if_links_and_computes_the_impact(page, screenshots, live_app, failed_hypervisor):
    with live_app.app_context():
        web02 = _ci("web-02", "KYIVMEDIA").id
    log_in(page, "maria@zayavka.example")
    page.goto("/cmdb/?q=kyivmedia")
    page.get_by_role("link", name="web-02", exact=True).click()
    page.get_by_text("What if this fails").wait_for()
    assert page.url.endswith(f"/cmdb/{web02}")
    what_if = page.locator("#what-if")
    assert "Kyiv Media Group website → web-cluster → web-02" in what_if.inner_text()
    assert "Kyiv Media Group" in what_if.locator(".badge").all_inner_texts()
    assert page.locator("#ci-picture svg").count() == 1
    screenshots(page, "cmdb-engineer-1-what-if")

    page.goto("/tickets/INC-2")  # "kyivmedia.example loads very slowly": web-02 linked at the door
    panel = page.locator("#cmdb-panel")
    assert "web-02" in panel.inner_text()
    panel.get_by_placeholder("Name, hostname or IP").fill("hv-kyiv-01")
    panel.get_by_placeholder("Name, hostname or IP").press("Enter")
    page.locator("#cmdb-panel").get_by_role("button", name="Link", exact=True).first.click()
    page.locator("#cmdb-panel").get_by_role("button", name="Compute impact").click()
    said = page.locator(".alert-success").first.inner_text()
    assert "Affected organizations:" in said and "Kyiv Media Group" in said
    assert "Computed" in page.locator("#cmdb-panel").inner_text()
    screenshots(page, "cmdb-engineer-2-ticket")

    page.goto("/cmdb/?q=hv-kyiv-01")
    page.get_by_role("link", name="hv-kyiv-01").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()


WORDS = {"en": {"language": "English", "degraded": "Your service Kyiv Media Group website is degraded: "
                "1 of 6 nodes down (a provider component)", "heading": "My servers"},
         "uk": {"language": "Українська", "degraded": "Ваш сервіс Kyiv Media Group website працює з погіршенням: "
                "1 з 6 вузлів не працюють (компонент провайдера)", "heading": "Мої сервери"}}


@pytest.mark.parametrize("language,screen", [("en", "desktop"), ("uk", "desktop"), ("en", "phone"), ("uk", "phone")])
def test_a_client_sees_their_servers_and_why_a_service_is_degraded(browser, live_server, screenshots, live_app,
                                                                   failed_hypervisor, language, screen):
    with live_app.app_context():
        services.update_ci(SHELL, _ci("hv-kyiv-01"), status="failed")
    words = WORDS[language]
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    log_in(page, "dmytro@kyivmedia.example")
    page.wait_for_url("**/portal/")
    if screen == "phone":
        page.locator(".navbar-toggler").click()
    choose_language(page, words["language"])  # a contact's language is kept: set it either way
    page.wait_for_load_state()
    page.goto("/cmdb/mine")
    page.get_by_role("heading", name=words["heading"]).wait_for()
    body = page.locator("main").inner_text()
    assert words["degraded"] in body
    row = page.locator("#my-servers tr", has_text="web-02")
    assert "INC-2" in row.inner_text()
    for hidden in ("hv-kyiv", "core-sw", "farm-kyiv", "Dnipro", "Lviv Pharma"):
        assert hidden not in body
    screenshots(page, f"cmdb-client-{language}-{screen}")
    context.close()


def test_a_client_of_another_organization_sees_none_of_it(browser, live_server, screenshots, live_app,
                                                          failed_hypervisor):
    with live_app.app_context():
        services.update_ci(SHELL, _ci("hv-kyiv-01"), status="failed")
    context = browser.new_context(base_url=live_server, viewport=SCREENS["desktop"], locale="en-US")
    page = context.new_page()
    log_in(page, "petro@dnipro-logistics.example")
    page.get_by_role("heading", name="Your tickets").wait_for()
    page.goto("/cmdb/mine")
    body = page.locator("main").inner_text()
    assert "Dnipro Logistics website" in body and "(a provider component)" in body
    for hidden in ("Kyiv Media", "kyivmedia", "hv-kyiv", "core-sw-kyiv", "INC-2"):
        assert hidden not in body
    screenshots(page, "cmdb-other-client")
    assert page.goto(f"/cmdb/{_id_of('web-02', 'KYIVMEDIA', live_app)}").status == 403
    context.close()


def _id_of(name, org_code, app):
    with app.app_context():
        return _ci(name, org_code).id


def test_the_ci_page_reads_in_words_and_depends_on_is_a_search(page, screenshots, live_app):
    from cmdb.models import Relation

    web02 = _id_of("web-02", "KYIVMEDIA", live_app)
    log_in(page, "maria@zayavka.example")
    page.wait_for_load_state()
    page.goto(f"/cmdb/{web02}")
    details = page.locator("#ci-attributes").inner_text()
    assert "RAM (GB)" in details and "Operating system" in details and "vCPUs" in details
    assert "ram_gb" not in details
    form = page.locator("#ci-relations form").first
    form.get_by_label("Relation").select_option("monitored_by")
    target = form.get_by_label("Depends on")
    target.press_sequentially("hv-kyiv-0", delay=40)
    page.locator("#ci-choices option").first.wait_for(state="attached")
    offered = page.locator("#ci-choices option").evaluate_all("options => options.map(o => o.value)")
    assert offered and all(value.startswith("hv-kyiv-0") and "(#" in value for value in offered)
    target.fill(offered[0])
    screenshots(page, "cmdb-engineer-3-depends-on-search")
    form.get_by_role("button", name="Add relation").click()
    page.get_by_text("Relation added.").wait_for()
    history = page.locator("#ci-history").inner_text()
    assert "Relation: — → is monitored by hv-kyiv-0" in history and "relation:" not in history
    with live_app.app_context():  # leave the estate as the other browser tests found it
        relation = services.db.session.scalar(sa.select(Relation).where(
            Relation.source_id == web02, Relation.type.has(code="monitored_by")))
        services.remove_relation(SHELL, relation)


def _changes_on_cis(app):
    """Two Kyiv Media changes in overlapping windows next year: one on a provider hypervisor, one on
    web-02, which runs on the farm of that hypervisor. Both go to the CAB; the first is approved."""
    from datetime import UTC, datetime, timedelta

    from app.auth.models import User
    from app.changes import services as changes
    from app.orgs.models import Organization
    from app.tickets import services as tickets
    from cmdb import links

    with app.app_context():
        db = services.db
        maria = db.session.scalar(sa.select(User).where(User.email == "maria@zayavka.example"))
        taras = db.session.scalar(sa.select(User).where(User.email == "taras@zayavka.example"))  # on the CAB
        org = db.session.scalar(sa.select(Organization).where(Organization.code == "KYIVMEDIA"))
        start = datetime(2031, 3, 4, 22, 0, tzinfo=UTC)
        made = []
        for title, ci, shift in (("Firmware on hv-kyiv-01", _ci("hv-kyiv-01"), 0),
                                 ("Kernel update on web-02", _ci("web-02", "KYIVMEDIA"), 1)):
            change = changes.create_change(
                maria, organization=org, title=title, risk="low", planned_start=start + timedelta(hours=shift),
                planned_end=start + timedelta(hours=shift + 2), implementation_plan="Rolling, one node at a time.",
                backout_plan="Boot the previous image.", client_summary=f"{title}: a short pause is possible.")
            links.link_cis(maria, change, [ci])
            for status in ("submitted", "assessment", "awaiting_approval"):
                tickets.transition(maria, change, status)
            made.append(change)
        changes.decide(taras, made[0], "approve", "Go ahead")
        return [change.number for change in made]


@pytest.fixture(scope="module")
def changes_on_cis(live_app):
    return _changes_on_cis(live_app)


@pytest.mark.parametrize("language,screen", [("uk", "phone"), ("en", "desktop")])  # Taras is left in English
def test_the_cab_sees_a_changes_impact_and_the_calendar_flags_the_ci_conflict(browser, live_server, screenshots,
                                                                              changes_on_cis, language, screen):
    on_host, on_vm = changes_on_cis
    context = browser.new_context(base_url=live_server, viewport=SCREENS[screen], locale="en-US")
    page = context.new_page()
    log_in(page, "taras@zayavka.example")
    page.wait_for_load_state()
    if screen == "phone":
        page.locator(".navbar-toggler").click()
    choose_language(page, WORDS[language]["language"])
    page.wait_for_load_state()
    page.goto(f"/tickets/{on_host}")
    impact = page.locator("#change-impact")
    text = impact.inner_text()
    for org in ("Kyiv Media Group", "Dnipro Logistics", "Lviv Pharma"):
        assert org in text  # every client on the farm
    assert "Kyiv Media Group website" in text and "hv-kyiv-01" in text
    assert page.locator("#change-impact-recorded").count() == 1
    assert on_vm in page.locator(".ci-conflict").first.inner_text()
    screenshots(page, f"cmdb-change-impact-{language}-{screen}")
    page.goto("/changes/calendar?day=2031-03-05&view=week")
    flagged = page.locator(f"[data-change='{on_host}'] .ci-conflict")
    assert on_vm in flagged.inner_text()
    screenshots(page, f"cmdb-change-calendar-{language}-{screen}")
    context.close()


def test_a_clients_planned_work_names_their_affected_servers(browser, live_server, screenshots, changes_on_cis):
    context = browser.new_context(base_url=live_server, viewport=SCREENS["desktop"], locale="en-US")
    page = context.new_page()
    log_in(page, "dmytro@kyivmedia.example")
    page.wait_for_url("**/portal/")
    choose_language(page, "English")
    page.wait_for_load_state()
    work = page.locator("#planned-work")
    item = work.locator(".planned-work-item", has_text="Firmware on hv-kyiv-01")
    affected = item.locator(".planned-work-cis").inner_text()
    assert "Kyiv Media Group website" in affected and "app-01" in affected and "more" in affected  # every VM on the farm
    assert "hv-kyiv" not in affected and "Dnipro" not in affected
    screenshots(page, "cmdb-client-planned-work")
    context.close()
