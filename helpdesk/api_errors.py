"""One exception handler for the API: domain errors become 4xx with ``detail`` and a stable
``code``; nothing a client sends turns into a 500."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from tickets.services import TicketError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TicketError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code)
    # Django's own exceptions become their DRF twins here, so that their code is kept
    # ("not_found", "permission_denied") rather than guessed below.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data["code"] = codes if isinstance(codes, str) else "invalid"
    if response is None and isinstance(exc, ValueError):
        # The exception's own text is neither translated nor meant for clients.
        return Response(
            {"detail": _("The request contains a value that cannot be used."), "code": "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return response
