from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View

from accounts.roles import ACCESS_DESK, VIEW_REPORTS


class LandingView(LoginRequiredMixin, View):
    """Where signing in leads: each role to its own surface."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.has_perm(VIEW_REPORTS):
            return redirect("reports:home")
        if request.user.has_perm(ACCESS_DESK):
            return redirect("desk:home")
        return redirect("help:home")
