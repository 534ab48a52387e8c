"""Agent desk pages about people: the agent's own status and the customer context."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from helpdesk.access import SurfaceAccessMixin
from helpdesk.audit import CONTEXT_VIEWED, audit_record

from ..forms import AvailabilityForm
from ..roles import ACCESS_DESK
from ..selectors import agent_profile_own, customer_context_get
from ..services import agent_availability_set


class AgentAvailabilityView(SurfaceAccessMixin, View):
    """POST only. htmx requests get the status card back; others are redirected."""

    required_permission = ACCESS_DESK
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        agent = agent_profile_own(actor=request.user)
        if agent is None:
            messages.error(request, _("Only agents have an availability."))
            return redirect("desk:home")
        form = AvailabilityForm(request.POST)
        form.is_valid()  # a missing checkbox means "not available": the form is always valid
        agent = agent_availability_set(agent=agent, available=form.cleaned_data["available"])
        if request.htmx:
            return render(request, "accounts/desk/_agent_status.html", {"agent": agent})
        if agent.is_available:
            messages.success(request, _("You are available: routing may assign you new tickets."))
        else:
            messages.success(request, _("You are away: routing will not assign you new tickets."))
        # The header's toggle (templates/desk/base.html) comes back to the page it was on.
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(back)
        return redirect("desk:home")


class DeskCustomerDetailView(SurfaceAccessMixin, TemplateView):
    required_permission = ACCESS_DESK
    template_name = "accounts/desk/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["ctx"] = customer_context_get(actor=self.request.user, customer_id=kwargs["pk"])
        # The access log: who opened which customer's context.
        audit_record(
            action=CONTEXT_VIEWED, actor=self.request.user, subject=context["ctx"].customer, summary="customer page"
        )
        return context
