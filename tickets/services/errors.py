"""Domain errors of tickets. Messages are translated when raised (so a worker's default
locale cannot leak in); ``code`` is stable for API clients."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class TicketError(Exception):
    code = "ticket_error"
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TicketConflict(TicketError):
    code = "conflict"
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this ticket while you were editing it. Reload it to see their change.")
        )


class TicketActionDenied(TicketError):
    code = "not_allowed"
    status_code = 403


class InvalidTransition(TicketError):
    code = "invalid_transition"


class ComplaintNeedsResolution(TicketError):
    code = "complaint_needs_resolution"

    def __init__(self) -> None:
        super().__init__(_("A complaint can only be resolved with a written resolution."))


class RefundError(TicketError):
    code = "refund_error"


class SurveyError(TicketError):
    code = "survey_error"


class TransferError(TicketError):
    code = "transfer_error"


class ChatCapacityFull(TransferError):
    """The agent a chat is transferred to already has as many open chats as they take."""

    code = "chat_capacity_full"
    status_code = 409

    def __init__(self, *, agent: object, capacity: int) -> None:
        super().__init__(
            ngettext(
                "%(agent)s already has %(capacity)d open chat, their limit: choose someone else or tier 2.",
                "%(agent)s already has %(capacity)d open chats, their limit: choose someone else or tier 2.",
                capacity,
            )
            % {"agent": agent, "capacity": capacity}
        )
