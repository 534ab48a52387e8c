from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AgentProfile, ApiToken, Course, CustomerProfile, Enrollment, LearningActivity, Order, Role, User
from .services import api_token_revoke


def _role_label(name: str) -> str:
    """A role's name in the reader's language (roles are groups named by their value)."""
    return str(Role(name).label) if name in Role.values else name


class RoleListFilter(admin.SimpleListFilter):
    """The user list's filter by role, named in the reader's language (not "customer")."""

    title = _("roles")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(Role.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    list_display = ["role"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, group: Group) -> str:
        return _role_label(group.name)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# What only administrators (superusers) change: who holds which role and what it grants.
ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def may_manage_account(actor: User, account: User | None) -> bool:
    """Whether ``actor`` may change or delete ``account`` in the admin. Administrators may
    change anyone; managers (staff without superuser status) manage customers and agents,
    and their own name, language and password, never another staff account."""
    if actor.is_superuser or account is None:
        return True
    return not (account.is_staff or account.is_superuser) or account.pk == actor.pk


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Managers add people and edit customers and agents; only administrators grant roles,
    staff or superuser status, or touch another staff account (its password included:
    Django's password page asks ``has_change_permission`` for the account)."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", RoleListFilter, "language"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "language")}),
        (_("Roles and permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
    filter_horizontal = ["groups"]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in ROLE_FIELDS if name not in fields]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_change_permission(request, obj) and may_manage_account(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and may_manage_account(request.user, obj)


class AgentProfileForm(forms.ModelForm):
    # The relation is declared on tickets.Category (accounts does not import tickets).
    skills = forms.ModelMultipleChoiceField(
        queryset=AgentProfile._meta.get_field("skills").related_model.objects.all(),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("skills"), is_stacked=False),
        label=_("skills (ticket categories)"),
    )

    class Meta:
        model = AgentProfile
        fields = ["user", "tier", "takes_tier1", "is_available", "chat_capacity"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["skills"].initial = self.instance.skills.all()

    def _save_m2m(self) -> None:
        super()._save_m2m()
        self.instance.skills.set(self.cleaned_data["skills"])


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    form = AgentProfileForm
    list_display = ["user", "tier", "takes_tier1", "is_available", "chat_capacity", "last_seen_at", "last_assigned_at"]
    list_editable = ["chat_capacity"]
    list_filter = ["tier", "is_available", "skills"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgentProfile]:
        return super().get_queryset(request).select_related("user")


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "platform_user_id", "is_vip", "created_at"]
    list_filter = ["is_vip"]
    search_fields = ["user__email", "user__name", "platform_user_id", "phone"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    show_full_result_count = False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "language", "price", "is_active"]
    list_filter = ["kind", "language", "is_active"]
    search_fields = ["code", "title"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "course", "amount", "refunded_amount", "status", "paid_at"]
    list_filter = ["status", "channel", "course__kind"]
    search_fields = ["number", "customer__email"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "course"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["customer", "course", "progress", "minutes_learned", "sessions_count", "last_active_at"]
    search_fields = ["customer__email", "course__code"]
    raw_id_fields = ["customer", "order"]
    list_select_related = ["customer", "course"]
    show_full_result_count = False


@admin.register(LearningActivity)
class LearningActivityAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "day", "minutes", "sessions"]
    raw_id_fields = ["enrollment"]
    list_select_related = ["enrollment__customer", "enrollment__course"]
    show_full_result_count = False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, for administrators: who holds which, until when; revoke. New tokens come
    from ``manage.py api_token_create`` (the key is shown once, never stored)."""

    list_display = ["name", "user", "prefix", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__email", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, not deleted: who held which key stays on record

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
