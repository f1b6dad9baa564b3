from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("mine/", views.my_checks, name="mine"),
    path("partnerships/<int:pk>/", views.partnership_health, name="partnership"),
    path("partnerships/<int:pk>/schedule/", views.cadence_set, name="cadence"),
    path("partnerships/<int:pk>/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/respond/", views.respond, name="respond"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("thanks/<str:language>/", views.thanks, name="thanks"),
]
