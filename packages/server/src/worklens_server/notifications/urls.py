from django.urls import path

from worklens_server.notifications import views

app_name = "notifications"

urlpatterns = [
    path("account/email/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_link, name="unsubscribe"),
]
