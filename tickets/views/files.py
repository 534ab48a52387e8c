"""Attachment downloads, shared by every surface: whoever may see a ticket's message may
download its files. Customers: attachments of public messages of their own tickets;
desk users: any. Everything else is a 404, so guessing ids reveals nothing."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views import View

from helpdesk.access import SurfaceAccessMixin

from ..selectors import attachment_get_visible


class AttachmentDownloadView(SurfaceAccessMixin, View):
    """Always a download (``Content-Disposition: attachment``) under the original name, so
    an uploaded HTML or SVG file is never rendered in the help center's origin."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        attachment = attachment_get_visible(actor=request.user, pk=pk)
        mode = settings.HELPDESK_ATTACHMENT_SENDFILE
        if mode:
            # The web server sends the file (nginx X-Accel-Redirect to an internal location,
            # Apache/lighttpd X-Sendfile to the path), after this view checked who may.
            response = HttpResponse(content_type=attachment.content_type or "application/octet-stream")
            if mode == "x-accel-redirect":
                response["X-Accel-Redirect"] = settings.HELPDESK_ATTACHMENT_ACCEL_PREFIX + quote(attachment.file.name)
            else:
                response["X-Sendfile"] = attachment.file.path
            response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.name)
            return response
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
