"""Personal-data pages: a customer's own (help center) and an agent's on request (desk)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import Role, User
from accounts.roles import ACCESS_DESK
from helpdesk.access import SurfaceAccessMixin

from .services import PrivacyError, customer_erase, customer_export


def _zip_response(content: bytes, customer: User) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    name = f"personal-data-{customer.pk}-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account and what I wrote are erased for good."), required=True
    )


class MyDataView(SurfaceAccessMixin, View):
    """The customer's page about their data: download it, or erase the account."""

    template_name = "privacy/help/my_data.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": EraseConfirmForm()})


class MyDataExportView(SurfaceAccessMixin, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return _zip_response(customer_export(customer=request.user, actor=request.user), request.user)


class MyDataEraseView(SurfaceAccessMixin, View):
    """POST: erase one's own customer account, then sign out."""

    http_method_names = ["post"]
    template_name = "privacy/help/my_data.html"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EraseConfirmForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            customer_erase(customer=request.user, actor=request.user)
        except PrivacyError:
            form.add_error(None, _("Staff accounts are not erased here; please ask an administrator."))
            return render(request, self.template_name, {"form": form}, status=400)
        logout(request)
        messages.success(request, _("Your account and your personal data have been erased."))
        return redirect("help:home")


def _customer(pk: int) -> User:
    customer = get_object_or_404(User, pk=pk, groups__name=Role.CUSTOMER)
    if customer.is_staff or customer.is_superuser:
        raise Http404
    return customer


class CustomerExportView(SurfaceAccessMixin, View):
    """An agent produces a customer's data on their request (audited)."""

    required_permission = ACCESS_DESK
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = _customer(pk)
        return _zip_response(customer_export(customer=customer, actor=request.user), customer)


class CustomerEraseView(SurfaceAccessMixin, View):
    """An administrator erases a customer on request (audited)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_superuser:
            return self.handle_no_permission()
        customer = _customer(pk)
        customer_erase(customer=customer, actor=request.user)
        messages.success(request, _("The customer's personal data has been erased."))
        return redirect("desk:customer-detail", pk=customer.pk)
