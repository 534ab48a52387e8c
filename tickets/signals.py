"""Signals tickets sends for apps it must not import (DESIGN.md: tickets uses accounts only)."""

from django.dispatch import Signal

# A visitor submitted a ticket in the help center. Sent by the view (not the service):
# arguments ``ticket`` and ``session_key``, the visitor's session, which never leaves the
# request. kb links the articles read in that session to the ticket (deflection).
ticket_submitted_in_help_center = Signal()
