from django.urls import path

from worklens_server.alerts import views

app_name = "alerts"

urlpatterns = [
    path("company/alerts/", views.alert_settings, name="settings"),
]
