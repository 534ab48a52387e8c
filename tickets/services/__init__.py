"""Writes on tickets: one function per domain operation, atomic, keyword-only. Every
channel (help center, desk, API, phone, email, scheduled jobs) goes through these."""

from .errors import (
    ChatCapacityFull,
    ComplaintNeedsResolution,
    InvalidTransition,
    RefundError,
    SurveyError,
    TicketActionDenied,
    TicketConflict,
    TicketError,
    TransferError,
)
from .escalation import (
    EscalationRule,
    escalation_rule_matching,
    ticket_deescalate,
    ticket_escalate,
    ticket_negative_sentiment_act,
)
from .lifecycle import (
    TRANSITIONS,
    ticket_auto_answer_send,
    ticket_customer_confirm,
    ticket_fields_update,
    ticket_merge,
    ticket_open,
    ticket_reply,
    ticket_status_set,
    tickets_close_resolved,
)
from .macros import ticket_macro_apply
from .notifications import notifications_mark_read, notify
from .refunds import refund_approve, refund_reject, refund_request_open
from .routing import (
    chat_open_count,
    routing_candidates,
    routing_choose,
    ticket_route,
    ticket_route_now,
    ticket_transfer,
)
from .sla import sla_breaches_mark
from .surveys import csat_record, nps_offer_due, nps_record

__all__ = [
    "TRANSITIONS",
    "ChatCapacityFull",
    "ComplaintNeedsResolution",
    "EscalationRule",
    "InvalidTransition",
    "RefundError",
    "SurveyError",
    "TicketActionDenied",
    "TicketConflict",
    "TicketError",
    "TransferError",
    "chat_open_count",
    "ticket_macro_apply",
    "csat_record",
    "escalation_rule_matching",
    "ticket_negative_sentiment_act",
    "notifications_mark_read",
    "notify",
    "nps_offer_due",
    "nps_record",
    "refund_approve",
    "refund_reject",
    "refund_request_open",
    "routing_candidates",
    "routing_choose",
    "sla_breaches_mark",
    "ticket_auto_answer_send",
    "ticket_customer_confirm",
    "ticket_deescalate",
    "ticket_escalate",
    "ticket_fields_update",
    "ticket_merge",
    "ticket_open",
    "ticket_reply",
    "ticket_route",
    "ticket_route_now",
    "ticket_status_set",
    "ticket_transfer",
    "tickets_close_resolved",
]
