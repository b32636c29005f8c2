"""A live Zayavka (own database with the demo data, real threaded HTTP server)
and a headless Debian Chromium driven by Playwright."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.demo import seed
from tests.conftest import drop_fresh_database, fresh_database_url, make_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(os.environ.get("ZAYAVKA_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output"))


@pytest.fixture(scope="session")
def live_app(redis_url):
    """The live server's application (its own database, seeded with the demo): for running its jobs."""
    url = fresh_database_url("live")
    app = make_app(url, redis_url)
    with app.app_context():
        seed()
    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    drop_fresh_database(url)


@pytest.fixture(scope="session")
def live_server(live_app):
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def console_errors():
    """Errors the browser reported; a test that provokes one on purpose removes it."""
    return []


@pytest.fixture
def page(browser, live_server, console_errors):
    """A fresh browser tab (own cookies) that fails the test on any console error, e.g. a CSP violation."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800}, locale="en-US")
    tab = context.new_page()
    errors = console_errors
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture(scope="session")
def screenshots():
    directory = OUTPUT / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
