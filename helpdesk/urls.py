"""The four surfaces and the API: "" help center, desk/, reports/, admin/, api/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accounts.oidc import oidc_authenticate, oidc_callback
from accounts.urls import auth_patterns
from accounts.urls import desk_patterns as accounts_desk_patterns
from accounts.views.auth import LoginView
from accounts.views.language import language_set
from analytics.api.urls import api_patterns as analytics_api_patterns
from chat.urls import desk_patterns as chat_desk_patterns
from integrations.api.urls import api_patterns as integrations_api_patterns
from integrations.views import SsoJwtView
from kb.api.urls import api_patterns as kb_api_patterns
from kb.urls import desk_patterns as kb_desk_patterns
from kb.urls import help_patterns as kb_help_patterns
from privacy.urls import desk_patterns as privacy_desk_patterns
from privacy.urls import help_patterns as privacy_help_patterns
from tickets.api.urls import api_patterns as tickets_api_patterns
from tickets.urls_desk import desk_patterns as tickets_desk_patterns
from tickets.urls_help import help_patterns as tickets_help_patterns

from .api import MeView
from .passkeys import PasskeyListView, webauthn_patterns
from .views import LandingView, SecondFactorSetupView, SecondFactorVerifyView

help_patterns = [*kb_help_patterns, *tickets_help_patterns, *privacy_help_patterns]
desk_patterns = [
    *accounts_desk_patterns,
    *tickets_desk_patterns,
    *kb_desk_patterns,
    *privacy_desk_patterns,
    *chat_desk_patterns,
]

api_patterns = [
    *tickets_api_patterns,
    *kb_api_patterns,
    *analytics_api_patterns,
    path("integration/v1/", include(integrations_api_patterns)),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("", include((help_patterns, "help"))),
    path("desk/", include((desk_patterns, "desk"))),
    path("reports/", include("analytics.urls")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("live/", include("live.urls")),
    path("chat/", include("chat.urls")),
    path("accounts/login/", LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/landing/", LandingView.as_view(), name="landing"),
    path("accounts/", include(auth_patterns)),
    path("accounts/second-factor/", SecondFactorVerifyView.as_view(), name="second-factor-verify"),
    path("accounts/second-factor/setup/", SecondFactorSetupView.as_view(), name="second-factor-setup"),
    path("accounts/second-factor/passkeys/", PasskeyListView.as_view(), name="passkeys"),
    path("accounts/second-factor/passkeys/", include((webauthn_patterns, "otp_webauthn"))),
    path("i18n/setlang/", language_set, name="set_language"),
    path("sso/jwt/", SsoJwtView.as_view(), name="sso-jwt"),
    path("oidc/authenticate/", oidc_authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc_callback, name="oidc_authentication_callback"),
]

# Uploaded files (attachments) are never served from MEDIA_URL, not even while DEBUG: only
# through the permission-checked download view (tickets.views.files).
