from django.urls import path

from .views import help as help_views

# Mounted at the site root by helpdesk/urls.py, in the "help" namespace.
help_patterns = [
    path("", help_views.HelpHomeView.as_view(), name="home"),
]
