from django.urls import path

from .views import import_jobs, partners

urlpatterns = [
    path("", partners.partner_list, name="partner_list"),
    path("new/", partners.partner_create, name="partner_create"),
    path("search/", partners.partner_search, name="partner_search"),
    path("export.csv", partners.partner_export, name="partner_export"),
    path("import/", partners.partner_import, name="partner_import"),
    path(
        "import/template.csv",
        partners.partner_import_template,
        {"fmt": "csv"},
        name="partner_import_template_csv",
    ),
    path(
        "import/template.xlsx",
        partners.partner_import_template,
        {"fmt": "xlsx"},
        name="partner_import_template_xlsx",
    ),
    path("imports/<int:pk>/", import_jobs.import_job, name="import_job"),
    path("<int:pk>/", partners.partner_detail, name="partner_detail"),
    path("<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
]
