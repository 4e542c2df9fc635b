from django.urls import path

from worklens_server.accounts import views

app_name = "accounts"

urlpatterns = [
    path("cookies/", views.cookies, name="cookies"),
]
