"""Logging filters."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A refused request (403, 404, 400…) is the client's mistake, not ours: its log line
    stays, its traceback goes (Django attaches the PermissionDenied or Http404 it caught).
    Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
