from django.urls import path

from .views import agreements

urlpatterns = [
    path("new/<int:partnership_pk>/", agreements.agreement_create, name="agreement_create"),
    path("<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("<int:pk>/document/", agreements.agreement_document, name="agreement_document"),
    path("<int:pk>/supersede/", agreements.agreement_supersede, name="agreement_supersede"),
]
