"""Who may open which surface: one mixin, with the permission as a class attribute."""

from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponse


class SurfaceAccessMixin(AccessMixin):
    """Anonymous visitors are sent to sign in; signed-in people without
    ``required_permission`` get 403 (``AccessMixin.handle_no_permission``).
    ``required_permission = None`` only asks for a signed-in user."""

    required_permission: str | None = None

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated or (
            self.required_permission and not request.user.has_perm(self.required_permission)
        ):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
