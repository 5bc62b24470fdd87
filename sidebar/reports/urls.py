"""Every URL here has a rule in sidebar/policy.py (section "program statistics")."""

from django.urls import path

from sidebar.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("print/", views.printable, name="print"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
    path("team/", views.team, name="team"),
]
