from django.urls import path

from . import views_detail as views

urlpatterns = [
    path("partners/<int:pk>/", views.partner_dashboard, name="partner"),
    path("partners/<int:pk>/export.csv", views.partner_csv, name="partner_csv"),
    path("partners/<int:pk>/export.xlsx", views.partner_xlsx, name="partner_xlsx"),
    path("partnerships/<int:pk>/", views.partnership_dashboard, name="partnership"),
    path("partnerships/<int:pk>/export.csv", views.partnership_csv, name="partnership_csv"),
    path("partnerships/<int:pk>/export.xlsx", views.partnership_xlsx, name="partnership_xlsx"),
    path(
        "partnerships/<int:pk>/scorecard.pdf",
        views.partnership_scorecard_pdf,
        name="partnership_scorecard_pdf",
    ),
    path("scorecards/<int:pk>/scorecard.pdf", views.scorecard_pdf, name="scorecard_pdf"),
]
