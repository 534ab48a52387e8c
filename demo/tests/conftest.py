"""Fixtures the demo tests borrow from the apps they fill."""

from kb.tests.conftest import triage_tickets  # noqa: F401
