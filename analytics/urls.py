from django.urls import path

from .views import customer_reports, report_settings, reports, staffing, ticket_reports

app_name = "reports"

urlpatterns = [
    path("", ticket_reports.OverviewView.as_view(), name="home"),
    path("satisfaction/", ticket_reports.SatisfactionView.as_view(), name="satisfaction"),
    path("times/", ticket_reports.TimesView.as_view(), name="times"),
    path("volume/", ticket_reports.VolumeView.as_view(), name="volume"),
    path("escalations/", ticket_reports.EscalationsView.as_view(), name="escalations"),
    path("deflection/", ticket_reports.DeflectionView.as_view(), name="deflection"),
    path("agents/", ticket_reports.AgentsView.as_view(), name="agents"),
    path("customers/", customer_reports.CustomersView.as_view(), name="customers"),
    path("learners/", customer_reports.LearnersView.as_view(), name="learners"),
    path("refresh/", reports.ReportRefreshView.as_view(), name="refresh"),
    path("staffing/", staffing.StaffingView.as_view(), name="staffing"),
    path("subscriptions/", report_settings.ReportSettingsView.as_view(), name="subscriptions"),
]
