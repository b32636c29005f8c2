"""The mail channel in Chromium: an agent opens the mail quarantine, reads a held mail's raw source
and turns it into a ticket; a ticket that came by mail shows its inline image, its quoted history
folded and a file (named by RFC 2231) that downloads. Screenshots: test-output/screenshots/mail-<step>.png"""
from app.mail import gateway
from tests.browser.test_pages import log_in
from tests.mail.conftest import fixture, mail


def test_the_quarantine_and_a_ticket_by_mail(live_app, page, screenshots):
    with live_app.app_context():
        held = gateway.ingest(mail(sender="Olena New <olena@dnipro-logistics.example>", subject="Our VPN is down",
                                   body="Since 9:00 nobody can connect.", message_id="browser-held@dnipro.example"))
        shown = gateway.ingest(fixture("html-only-inline-image.eml").replace(b"user@acme.test",
                                                                              b"petro@dnipro-logistics.example"))
        gateway.ingest(fixture("quoted-reply.eml", SUBJECT=f"[{shown.ticket}] Screenshot")
                       .replace(b"user@acme.test", b"petro@dnipro-logistics.example"))
        gateway.ingest(fixture("rfc2231-attachment-name.eml").replace(b"user@acme.test", b"petro@dnipro-logistics.example")
                       .replace(b"Subject: Logs attached", f"Subject: Re: [{shown.ticket}] Logs attached".encode()))
    assert held.reason == "unknown sender" and shown.created

    log_in(page, "ivan@zayavka.example")
    page.locator("#main-nav").get_by_role("link", name="Mail quarantine").click()
    page.get_by_role("link", name="Our VPN is down").click()
    raw = page.locator("#raw-source")
    assert "Message-ID: <browser-held@dnipro.example>" in raw.inner_text()
    screenshots(page, "mail-1-quarantined-raw-source")
    page.get_by_label("Organization of the sender").select_option(label="Dnipro Logistics (DNIPRO)")
    page.get_by_role("button", name="Turn into ticket").click()
    page.get_by_text("The mail became ticket").wait_for()
    assert "Our VPN is down" in page.locator("h1").inner_text()
    screenshots(page, "mail-2-turned-into-ticket")

    page.goto(f"/tickets/{shown.ticket}")
    image = page.locator('img[alt="screenshot"]').first
    image.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    folded = page.locator(".message-body details").first
    assert not folded.evaluate("(node) => node.open")
    closed_height = folded.bounding_box()["height"]
    folded.locator("summary").click()
    assert folded.evaluate("(node) => node.open") and folded.bounding_box()["height"] > closed_height + 20
    assert "We received your ticket." in folded.inner_text()
    attached = page.get_by_role("link", name="журнал.log").first
    attached.wait_for()
    download = page.request.get(attached.get_attribute("href"))
    assert download.ok and download.body().startswith(b"line 1\nline 2")
    screenshots(page, "mail-3-ticket-with-inline-image-quote-and-file")
