from django.urls import path

from .views import help as help_views

app_name = "help"

urlpatterns = [
    path("", help_views.HelpHomeView.as_view(), name="home"),
]
