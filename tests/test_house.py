"""House rules: migrations match models, headers, cookies, error pages, translations, docs."""
import os
import re
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app import create_app
from app.config import SETTINGS
from app.extensions import db as _db
from tests.helpers import text

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_have_one_head(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config(str(ROOT / "migrations")))
    assert len(script.get_heads()) == 1


def test_upgraded_database_matches_the_models(app):
    """`flask db upgrade` on an empty database gives exactly the models' schema."""
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, type_, *_: not (
                type_ == "table" and name.startswith(("ticket_search", "kb_search"))),
        })
        assert compare_metadata(context, _db.metadata) == []


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(login):
    for who in ("admin", "client_admin"):
        page = text(login(who).get("/"))
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
        assert " onclick=" not in page and 'style="' not in page


def test_session_cookie_flags(client, users):
    response = client.login(users["agent"].email, "correct horse battery")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_behind_https(app):
    https_app = create_app({**app.config, "BASE_URL": "https://desk.example"})
    assert https_app.config["SESSION_COOKIE_SECURE"] and https_app.config["REMEMBER_COOKIE_SECURE"]


def test_not_found_is_a_friendly_page_or_json(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here" in text(response) and "Go to the home page" in text(response)
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": 404, "message": "There is nothing here, or it is not yours to see."}}


def test_unexpected_error_rolls_back_and_shows_a_500_page(app, db):
    broken = create_app({**app.config})

    @broken.route("/boom")
    def boom():
        from app.orgs.models import Organization

        _db.session.add(Organization(code="HALF", name="Half written"))
        _db.session.flush()
        raise RuntimeError("internal detail")

    response = broken.test_client().get("/boom")
    with broken.app_context():
        _db.engine.dispose()
    assert response.status_code == 500
    assert "Something went wrong" in text(response) and "internal detail" not in text(response)
    from app.orgs.models import Organization

    assert _db.session.query(Organization).filter_by(code="HALF").count() == 0


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"README does not document {setting.name}"


def _catalog():
    with open(ROOT / "app/translations/uk/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f)


def test_every_string_in_the_code_has_a_ukrainian_translation():
    method_map = [(f"{package}/**.py", "python") for package in ("app", "sla", "cmdb", "kb")]
    method_map += [("app/templates/**.html", "jinja2"), ("app/templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    catalog = _catalog()
    missing = []
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        translated = entry is not None and (all(entry.string) if isinstance(entry.string, tuple) else entry.string)
        if not translated or (entry is not None and entry.fuzzy):
            missing.append(msgid)
    assert not missing, f"untranslated (run `make translations`, then translate): {sorted(set(missing))}"


def test_compiled_catalog_matches_the_po_file():
    with open(ROOT / "app/translations/uk/LC_MESSAGES/messages.mo", "rb") as f:
        compiled = read_mo(f)
    def as_tuple(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    for message in _catalog():
        if message.id:
            found = compiled.get(message.id)
            assert found is not None and as_tuple(found.string) == as_tuple(message.string), (
                f"messages.mo is stale for {message.id!r}: run `make translations`")


@pytest.mark.parametrize("path", ["wsgi.py", "requirements.txt", "README.md", "Makefile", ".ci/run"])
def test_house_files_exist(path):
    assert os.path.exists(ROOT / path)


def test_readme_lists_every_demo_login_and_the_password():
    from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    readme = (ROOT / "README.md").read_text()
    assert readme.splitlines()[3:5] == [
        "make run     # http://127.0.0.1:5000 — installs, migrates, loads demo data, starts web + worker + Redis",
        "make test    # the whole test suite (SQLite + embedded Redis)",
    ]
    assert f"`{DEMO_PASSWORD}`" in readme
    for email, _ in DEMO_ACCOUNTS:
        assert f"`{email}`" in readme
