from django.urls import path

from worklens_server.companies import views

app_name = "companies"

urlpatterns = [
    path("company/new/", views.create_company, name="create"),
    path("company/settings/", views.company_settings, name="settings"),
]
