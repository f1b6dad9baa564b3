from django.urls import path

from .views import measurement_import, members
from .views import partnerships as views

urlpatterns = [
    path("board/", views.partnership_board, name="partnership_board"),
    path("new/", views.partnership_create, name="partnership_create"),
    path("<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("<int:pk>/stage/", views.partnership_stage, name="partnership_stage"),
    path("<int:pk>/members/", members.members, name="partnership_members"),
    path(
        "<int:pk>/members/<int:member_pk>/role/",
        members.member_role,
        name="partnership_member_role",
    ),
    path(
        "<int:pk>/members/<int:member_pk>/remove/",
        members.member_remove,
        name="partnership_member_remove",
    ),
    path("<int:pk>/objectives/new/", views.objective_create, name="objective_create"),
    path(
        "<int:pk>/objectives/<int:oid>/metrics/new/",
        views.metric_create,
        name="metric_create",
    ),
    path("<int:pk>/measurements/", views.measurement_grid, name="measurement_grid"),
    path("<int:pk>/measurements/save/", views.measurement_save, name="measurement_save"),
    path(
        "<int:pk>/measurements/import/",
        measurement_import.measurement_import_view,
        name="measurement_import",
    ),
    path(
        "<int:pk>/measurements/import/template.csv",
        measurement_import.measurement_import_template_csv,
        name="measurement_import_template_csv",
    ),
    path(
        "<int:pk>/measurements/import/template.xlsx",
        measurement_import.measurement_import_template_xlsx,
        name="measurement_import_template_xlsx",
    ),
]
