from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("assessments/", views.runs, name="runs"),
    path("assessments/<int:pk>/", views.run_detail, name="run"),
    path("scoring-policy/", views.policy, name="policy"),
    path("review/", views.review_queue, name="review_queue"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="scorecard"),
    path("scorecards/<int:pk>/approve/", views.scorecard_approve, name="approve"),
    path("scorecards/<int:pk>/return/", views.scorecard_return, name="return"),
    path("scorecards/<int:pk>/override/", views.scorecard_override, name="override"),
    path("scorecards/<int:pk>/recompute/", views.scorecard_recompute, name="recompute"),
]
