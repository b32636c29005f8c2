"""The mail channel's fixtures: mail as bytes, and the gateway fed like an MTA feeds it."""
import os
from email.message import EmailMessage

import pytest

from app.mail import gateway

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus", "mail")

# The corpus of real-world mail lives outside the project; its test runs where it is present.
collect_ignore = [] if os.path.isdir(CORPUS) else ["test_corpus.py"]


def fixture(name: str, **fields) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as f:
        data = f.read()
    for key, value in fields.items():
        data = data.replace(f"{{{key}}}".encode(), value.encode())
    return data


def mail(sender="user@acme.test", subject="Disk full on web-01", body="The disk on web-01 is full.",
         message_id=None, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = headers.pop("to", "support@zayavka.example")
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def ingest(app):
    """ingest(raw) → the gateway's Result, as `flask mail ingest` gets it."""
    return lambda raw, mailbox="pipe": gateway.ingest(raw, mailbox)
