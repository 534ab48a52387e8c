"""Administrators manage integrations: keys (shown once, revocable), secrets, webhook
subscriptions and their delivery log (with redelivery). Managers have no access: an API
key writes the customer data."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .csv_import import ORDER, CSVFormatError, csv_import
from .models import ApiKey, Integration, WebhookDelivery, WebhookSubscription
from .services.keys import api_key_create, api_key_revoke
from .webhooks import webhook_redeliver


def _show_key_once(request: HttpRequest, integration: Integration) -> None:
    new_key = api_key_create(integration=integration)
    messages.warning(
        request,
        _("New API key for %(name)s (shown only now, store it): %(key)s") % {"name": integration, "key": new_key.key},
    )


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    can_delete = False
    fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WebhookSubscriptionInline(admin.TabularInline):
    model = WebhookSubscription
    extra = 0
    fields = ["url", "event_types", "is_active", "disabled_at", "consecutive_failures"]
    readonly_fields = ["disabled_at", "consecutive_failures"]


class ContextImportForm(forms.Form):
    resource = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=[(r, r) for r in ORDER])
    file = forms.FileField(
        label=gettext_lazy("CSV file"), help_text=gettext_lazy("UTF-8 or GB18030; columns as in the guide.")
    )
    commit = forms.BooleanField(
        label=gettext_lazy("Import now"),
        required=False,
        help_text=gettext_lazy("Unticked: a dry run that lists every bad row and writes nothing."),
    )


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "rate_limit_per_minute", "created_at"]
    fields = ["name", "is_active", "rate_limit_per_minute", "jwt_secret", "webhook_secret", "created_at"]
    readonly_fields = ["jwt_secret", "webhook_secret", "created_at"]
    inlines = [ApiKeyInline, WebhookSubscriptionInline]
    actions = ["create_key"]
    change_list_template = "admin/integrations/integration/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="integrations_context_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """CSV import of the customer context: a dry run with per-row errors, then the import."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ContextImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            resource = form.cleaned_data["resource"]
            try:
                report = csv_import({resource: form.cleaned_data["file"].read()}, commit=form.cleaned_data["commit"])
            except CSVFormatError as exc:
                form.add_error("file", str(exc))
        context = {**self.admin_site.each_context(request), "form": form, "report": report, "title": _("Import CSV")}
        return TemplateResponse(request, "admin/integrations/import.html", context)

    def save_model(self, request: HttpRequest, obj: Integration, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            _show_key_once(request, obj)

    @admin.action(description=gettext_lazy("Create a new API key (shown once)"))
    def create_key(self, request: HttpRequest, queryset: QuerySet[Integration]) -> None:
        for integration in queryset:
            _show_key_once(request, integration)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "integration", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["integration"]
    readonly_fields = ["integration", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are made from the integration, and shown once

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        messages.success(request, _("%(count)d keys revoked.") % {"count": queryset.count()})


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "integration", "is_active", "disabled_at", "consecutive_failures"]
    list_filter = ["integration", "is_active"]
    readonly_fields = ["disabled_at", "consecutive_failures", "created_at"]
    actions = ["enable"]

    @admin.action(description=gettext_lazy("Re-enable the selected subscriptions"))
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        queryset.update(is_active=True, disabled_at=None, consecutive_failures=0)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_name", "subscription", "status", "response_status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "event_name", "subscription__integration"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    list_select_related = ["subscription"]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Deliver the selected again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            webhook_redeliver(delivery=delivery)
        messages.success(request, _("%(count)d deliveries queued again.") % {"count": queryset.count()})
