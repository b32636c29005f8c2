"""Schemathesis against /api/v1/openapi.json, in process on a throwaway database: generated
requests for every documented operation, as an agent and as a client, a bounded number each.
No answer is a 5xx, and every answer is as documented (status, content type, body schema)."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.auth import tokens
from tests.factories import make_ticket

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25  # per operation and role: enough to find the shapes that break, bounded for CI


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_documented(app, users, org_a):
    make_ticket(users["client_user"], title="Disk full on web-01")
    make_ticket(users["agent"], kind="problem", organization=org_a, title="Log rotation broken")
    # identity: schemathesis's in-process transport does not decompress what it asked for (HTTP clients do)
    headers = {who: {"Authorization": f"Bearer {tokens.create_token(users[who], 'schemathesis')[1]}",
                     "Accept-Encoding": "identity"} for who in ("agent", "client_user")}
    others = [check for check in schemathesis.checks.CHECKS.get_all() if check not in CHECKS]
    failures, tried = {}, 0
    for operation in operations(app):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            for who in ("agent", "client_user"):
                case.call_and_validate(headers=headers[who], checks=CHECKS, excluded_checks=others)

        try:
            run()
        except Exception as failure:  # gather every operation's failure, not only the first
            failures[operation.label] = str(failure)[:1500]
        tried += 1
    assert tried > 20, "the document lists the API's operations"
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
