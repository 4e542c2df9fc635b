from django.urls import path

from worklens_server.devices import views

app_name = "devices"

urlpatterns = [
    path("devices/", views.devices, name="devices"),
    path("devices/codes/", views.create_code, name="create_code"),
    path("devices/<uuid:device_id>/revoke/", views.revoke, name="revoke"),
]
