"""An article with a screenshot and a CI, in Chromium on the demo: the agent picks Dnipro
Logistics' db-03 in the CMDB's type-ahead, uploads a screenshot, inserts it into the text with one
click and saves; the manager publishes; a contact of Dnipro Logistics sees the screenshot in the
text and db-03 named as one of their systems (in English and Ukrainian); a contact of Lviv Pharma
gets a 404 for the article and for its screenshot. Screenshots: test-output/screenshots/kb-files-….png"""
import struct
import zlib

from tests.browser.test_kb_story import _as
from tests.browser.test_pages import choose_language, log_in

TITLE = "Slow reports on db-03: the query planner screen"


def png(width=240, height=90, rgb=(30, 120, 200)) -> bytes:
    """A plain coloured PNG, made here (no image library needed)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def test_an_article_with_a_screenshot_and_a_ci_reaches_only_its_organization(page, browser, live_server, screenshots):
    log_in(page, "ivan@zayavka.example")
    page.goto("/kb/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Text (Markdown)").fill("## Symptoms\n\nMonthly reports take minutes.\n\n")
    page.get_by_label("Who may read it").select_option("organizations")
    page.get_by_label("Organizations").select_option(label="Dnipro Logistics")
    picker = page.locator("#kb-ci-picker")
    picker.fill("db-03")
    options = page.locator("#kb-ci-choices option")
    options.first.wait_for(state="attached")
    picked = options.first.get_attribute("value")
    assert picked.startswith("db-03 (#")
    picker.fill(picked)  # as when the option is chosen from the list
    assert page.locator("#kb-form input[name=cis]").input_value() == picked
    page.locator("#kb-form input[name=attachments]").set_input_files(
        files=[{"name": "planner.png", "mimeType": "image/png", "buffer": png()}])
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Draft saved.").wait_for()
    article_url = page.url
    page.get_by_role("link", name="Edit").click()
    body = page.get_by_label("Text (Markdown)")
    body.click()
    body.press("Control+End")
    page.locator("#kb-files").get_by_role("button", name="Insert into text").click()
    assert body.input_value().endswith("![planner.png](attachment:planner.png)")
    screenshots(page, "kb-files-1-agent-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    image = page.locator("#kb-body img")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 240
    assert page.locator("aside").get_by_role("link", name="db-03").count() == 1

    context, manager = _as(browser, live_server, "manager@zayavka.example")
    manager.goto(article_url)
    manager.get_by_role("button", name="Publish").click()
    manager.get_by_text("Published.").wait_for()
    context.close()

    portal_url = article_url.replace("/kb/", "/portal/kb/")
    context, client = _as(browser, live_server, "petro@dnipro-logistics.example")
    client.goto(portal_url)
    shown = client.locator("#kb-body img")
    shown.wait_for()
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 240
    assert "db-03" in client.locator("#kb-cis").inner_text()
    screenshots(client, "kb-files-2-client-en")
    choose_language(client, "Українська")
    client.wait_for_load_state()
    assert "Ваші системи" in client.locator("#kb-cis").inner_text()
    assert client.locator("#kb-body img").evaluate("img => img.naturalWidth") == 240
    screenshots(client, "kb-files-3-client-uk")
    choose_language(client, "English")  # leave the contact as the other tests found them
    source = shown.get_attribute("src")
    context.close()

    context, other = _as(browser, live_server, "iryna@lvivpharma.example")
    assert other.goto(portal_url).status == 404
    assert other.goto(source).status == 404
    context.close()
