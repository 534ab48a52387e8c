"""Attachment downloads, shared by every surface: whoever may see a ticket's message may
download its files. Customers: attachments of public messages of their own tickets;
desk users: any. Everything else is a 404, so guessing ids reveals nothing."""

from django.http import FileResponse, Http404, HttpRequest
from django.views import View

from helpdesk.access import SurfaceAccessMixin

from ..selectors import attachment_get_visible


class AttachmentDownloadView(SurfaceAccessMixin, View):
    """Always a download (``Content-Disposition: attachment``) under the original name, so
    an uploaded HTML or SVG file is never rendered in the help center's origin."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        attachment = attachment_get_visible(actor=request.user, pk=pk)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type or "application/octet-stream",
        )
