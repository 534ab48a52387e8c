"""What a manager sets: their digests, their alerts, and the team's targets."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.roles import VIEW_REPORTS
from helpdesk.access import SurfaceAccessMixin

from ..forms import AlertForm, DigestForm, TargetsForm
from ..models import DigestSubscription, ReportAlert, ReportTarget
from .reports import REPORT_PAGES


class ReportSettingsView(SurfaceAccessMixin, View):
    """Digests and alerts are the signed-in manager's own; targets are the team's."""

    required_permission = VIEW_REPORTS
    template_name = "analytics/reports/settings.html"

    def forms(self, request: HttpRequest) -> dict[str, Any]:
        digests = DigestForm(
            initial={"frequencies": list(request.user.digests.values_list("frequency", flat=True))}, prefix="digests"
        )
        targets = TargetsForm(initial=dict(ReportTarget.objects.values_list("metric", "value")), prefix="targets")
        return {"digest_form": digests, "alert_form": AlertForm(prefix="alert"), "targets_form": targets}

    def render(self, request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
        context = {
            **self.forms(request),
            **forms,
            "alerts": ReportAlert.objects.filter(user=request.user),
            "pages": REPORT_PAGES,
            "title": _("Digests, alerts and targets"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "digests":
            form = DigestForm(request.POST, prefix="digests")
            if not form.is_valid():
                return self.render(request, 400, digest_form=form)
            chosen = set(form.cleaned_data["frequencies"])
            with transaction.atomic():
                request.user.digests.exclude(frequency__in=chosen).delete()
                for frequency in chosen:
                    DigestSubscription.objects.get_or_create(user=request.user, frequency=frequency)
            messages.success(request, _("Your digests are saved."))
        elif action == "alert-add":
            form = AlertForm(request.POST, prefix="alert")
            if not form.is_valid():
                return self.render(request, 400, alert_form=form)
            form.instance.user = request.user
            form.save()
            messages.success(request, _("The alert is saved."))
        elif action == "alert-delete":
            ReportAlert.objects.filter(user=request.user, pk=request.POST.get("alert") or 0).delete()
            messages.success(request, _("The alert is removed."))
        elif action == "targets":
            form = TargetsForm(request.POST, prefix="targets")
            if not form.is_valid():
                return self.render(request, 400, targets_form=form)
            with transaction.atomic():
                for metric, value in form.cleaned_data.items():
                    if value is None:
                        ReportTarget.objects.filter(metric=metric).delete()
                    else:
                        ReportTarget.objects.update_or_create(metric=metric, defaults={"value": value})
            messages.success(request, _("The targets are saved."))
        else:
            messages.error(request, _("Nothing to save."))
            return self.render(request, 400)
        return HttpResponseRedirect(reverse("reports:subscriptions"))
