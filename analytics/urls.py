from django.urls import path

from .views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.OverviewView.as_view(), name="home"),
    path("satisfaction/", reports.SatisfactionView.as_view(), name="satisfaction"),
    path("times/", reports.TimesView.as_view(), name="times"),
    path("volume/", reports.VolumeView.as_view(), name="volume"),
    path("escalations/", reports.EscalationsView.as_view(), name="escalations"),
    path("deflection/", reports.DeflectionView.as_view(), name="deflection"),
    path("agents/", reports.AgentsView.as_view(), name="agents"),
    path("customers/", reports.CustomersView.as_view(), name="customers"),
    path("learners/", reports.LearnersView.as_view(), name="learners"),
    path("refresh/", reports.ReportRefreshView.as_view(), name="refresh"),
]
