from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("pipeline/", views.pipeline_board, name="pipeline"),
    path("pipeline/<int:pk>/", views.pipeline_card, name="pipeline_card"),
    path("pipeline/<int:pk>/next-step/", views.next_step_edit, name="next_step"),
    path("pipeline/<int:pk>/move/", views.pipeline_move, name="pipeline_move"),
    path("pipeline/<int:pk>/drop/", views.pipeline_drop, name="pipeline_drop"),
    path("partnerships/<int:pk>/fit/", views.fit_detail, name="fit"),
    path("partnerships/<int:pk>/fit/new/", views.fit_new, name="fit_new"),
    path("partnerships/<int:pk>/lessons/", views.lesson_detail, name="lessons"),
    path("partnerships/<int:pk>/lessons/record/", views.lesson_record, name="lesson_record"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/confirm/", views.warning_confirm, name="warning_confirm"),
    path("warnings/<int:pk>/dismiss/", views.warning_dismiss, name="warning_dismiss"),
    path("factors/", views.factor_view, name="factors"),
    path("factors/partnerships/", views.factor_partnerships, name="factor_partnerships"),
]
