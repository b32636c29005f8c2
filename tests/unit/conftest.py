"""Tests of the pure modules: no app, no database, no Redis."""
import pytest


@pytest.fixture(autouse=True)
def db():
    """The root conftest's clean database, switched off here: a test that asks for the app fails loudly."""
    yield None
