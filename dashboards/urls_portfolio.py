from django.urls import path

from . import views_portfolio

urlpatterns = [
    path("", views_portfolio.portfolio, name="portfolio"),
    path("portfolio.csv", views_portfolio.portfolio_export, {"fmt": "csv"}, name="portfolio_csv"),
    path(
        "portfolio.xlsx", views_portfolio.portfolio_export, {"fmt": "xlsx"}, name="portfolio_xlsx"
    ),
    path("exports/", views_portfolio.export_job_create, name="export_job_create"),
    path("exports/<int:pk>/", views_portfolio.export_job, name="export_job"),
    path("exports/<int:pk>/file", views_portfolio.export_job_file, name="export_job_file"),
]
