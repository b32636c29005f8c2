"""Builders for test data. They go through the services, like every real write."""
from app.auth import services as accounts
from app.orgs import services as orgs

PASSWORD = "correct horse battery"


def make_org(code: str, name: str, **details):
    return orgs.create_organization(code=code, name=name, **details)


def make_team(name: str, members=()):
    return orgs.create_team(name=name, members=members)


def make_user(role: str, *, org=None, email=None, name=None, teams=(), password=PASSWORD, **fields):
    email = email or f"{role}-{id(object())}@example.test"
    return accounts.create_user(email=email, name=name or email.split("@")[0].title(), role=role,
                                organization=org, teams=teams, password=password, **fields)
