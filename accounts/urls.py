from django.urls import path

from .views import auth, desk

# Mounted under desk/ by helpdesk/urls.py, in the "desk" namespace.
desk_patterns = [
    path("me/availability/", desk.AgentAvailabilityView.as_view(), name="agent-availability"),
    path("customers/<int:pk>/", desk.DeskCustomerDetailView.as_view(), name="customer-detail"),
]

# Mounted under accounts/ beside Django's login and logout (no namespace, like theirs).
auth_patterns = [
    path("link/", auth.SigninLinkRequestView.as_view(), name="signin-link-request"),
    path("link/<str:token>/", auth.SigninLinkView.as_view(), name="signin-link"),
    path("signup/", auth.SignupView.as_view(), name="signup"),
    path("password/", auth.PasswordSetView.as_view(), name="password_change"),
    path("password_reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
