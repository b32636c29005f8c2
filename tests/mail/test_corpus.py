"""The shared corpus of real-world mail (../shared/corpus/mail/, read in place, never copied):
every message is stored and placed without an exception, and what its README expects of the
subject, sender, body type and file names is what the parser reads. Collected only where the
corpus exists (conftest.py)."""
import glob
import json
import os

import pytest
import yaml

from app.errors import ValidationError
from app.mail import gateway, parse
from app.mail.models import InboundMail
from tests.mail.conftest import CORPUS

FILES = sorted(path for path in glob.glob(os.path.join(CORPUS, "**", "*"), recursive=True)
               if path.endswith((".eml", ".box")) or os.sep + "emails" + os.sep in path)


def words(text) -> str:
    return " ".join((text or "").split())


def body_text(parsed) -> str:
    return parsed.text + "\n" + parse.html_to_text(parsed.html)


def read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, CORPUS) for p in FILES])
def test_every_corpus_mail_is_stored_and_placed(app, db, users, org_a, path):
    raw = read(path)
    result = gateway.ingest(raw, "corpus")
    assert db.session.get(InboundMail, result.mail_id).raw == raw
    if result.status == "quarantined" and result.reason == "unknown sender":
        mail = db.session.get(InboundMail, result.mail_id)
        try:
            gateway.turn_into_ticket(users["agent"], mail, org_a)  # the whole way into a ticket
        except ValidationError as refused:  # root@localhost cannot become a contact: the agent is told
            assert list(refused.errors) == ["email"]
            db.session.refresh(mail)
            assert mail.status == "quarantined"
        else:
            assert mail.status == "ticketed" and mail.ticket is not None
    else:
        assert result.status in ("ticketed", "discarded", "quarantined"), result


def _header(part, name):
    for header in part["headers"]:
        if header["name"] == name:
            return header["value"]
    return None


STALWART = [p for p in FILES if p.endswith(".eml") and os.path.exists(p[:-4] + ".json")]


@pytest.mark.parametrize("path", STALWART, ids=[os.path.relpath(p, CORPUS) for p in STALWART])
def test_stalwart_expectations(path):
    with open(path[:-4] + ".json") as f:
        expected = json.load(f)
    parsed = parse.parse(read(path).replace(b"\r", b""))
    top = expected["parts"][0]
    subject = _header(top, "subject")
    if subject and "Text" in subject:
        assert words(parsed.subject) == words(subject["Text"])
    sender = _header(top, "from")
    if sender and "Address" in sender and "List" in sender["Address"] and sender["Address"]["List"]:
        address = (sender["Address"]["List"][0]["address"] or "").lower()
        assert parsed.sender == (address if "@" in address else "")  # no domain: no one to answer
    names = set()
    for index in expected["attachments"]:
        for header in ("content_disposition", "content_type"):
            value = _header(expected["parts"][index], header)
            content_type = value.get("ContentType") if isinstance(value, dict) else None
            attributes = (content_type or {}).get("attributes") or []
            names |= {parse.safe_filename(a["value"]) for a in attributes if a["name"] in ("filename", "name")}
    names.discard("")
    assert names <= {a.filename for a in parsed.attachments}
    html_bodies = [expected["parts"][i] for i in expected["html_body"] if "Html" in expected["parts"][i]["body"]]
    text_bodies = [expected["parts"][i] for i in expected["text_body"] if "Text" in expected["parts"][i]["body"]]
    if html_bodies and not text_bodies:
        assert parsed.html, "an HTML-only mail keeps its HTML"


def _rt_cases():
    path = os.path.join(CORPUS, "request-tracker", "expected.json")
    with open(path) as f:
        return sorted(json.load(f).items())


@pytest.mark.parametrize("name,case", _rt_cases(), ids=[name for name, _ in _rt_cases()])
def test_request_tracker_expectations(name, case):
    parsed = parse.parse(read(os.path.join(CORPUS, "request-tracker", "emails", name)))
    expected = case["expected_from_rt_tests"]
    if "subject" in expected:  # RT keeps 200 characters of a subject (our titles too, ending in …)
        assert words(parsed.subject)[:200] == words(expected["subject"])
    if "body_contains" in expected:
        assert expected["body_contains"] in body_text(parsed)
    if expected.get("body_content_type") == "text/html":
        assert parsed.body_type == "text/html"
    if "attachment_filename" in expected:
        assert expected["attachment_filename"] in [a.filename for a in parsed.attachments]
    if "bounce" in expected.get("kind", ""):
        assert parsed.report_type == "delivery-status" and parsed.bounced_message_ids


class _RubyLoader(yaml.SafeLoader):
    pass


_RubyLoader.add_multi_constructor("!ruby/", lambda loader, suffix, node: loader.construct_mapping(node, deep=True))
ZAMMAD = sorted(glob.glob(os.path.join(CORPUS, "zammad", "*.box")))


@pytest.mark.parametrize("path", ZAMMAD, ids=[os.path.basename(p) for p in ZAMMAD])
def test_zammad_expectations(path):
    with open(path[:-4] + ".yml") as f:
        expected = yaml.load(f, Loader=_RubyLoader)
    parsed = parse.parse(read(path))
    assert parsed.sender == expected["from_email"].lower()
    assert words(parsed.subject) == words(expected["subject"])
    assert bool(parsed.html) == (expected["content_type"] == "text/html")
