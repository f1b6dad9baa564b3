from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("assessments/", views.runs, name="runs"),
    path("assessments/<int:pk>/", views.run_detail, name="run"),
    path("scoring-policy/", views.policy, name="policy"),
]
