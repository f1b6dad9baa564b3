from django.urls import path

from . import views_portfolio

urlpatterns = [
    path("", views_portfolio.portfolio, name="portfolio"),
    path("portfolio.csv", views_portfolio.portfolio_export, {"fmt": "csv"}, name="portfolio_csv"),
    path(
        "portfolio.xlsx", views_portfolio.portfolio_export, {"fmt": "xlsx"}, name="portfolio_xlsx"
    ),
]
