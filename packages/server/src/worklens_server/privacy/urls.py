from django.urls import path

from worklens_server.privacy import views

app_name = "privacy"

urlpatterns = [
    path("account/", views.account, name="account"),
    # Fixed: the agent's tray menu opens this address.
    path("account/collected/", views.collected, name="collected"),
    path("account/collected/export/", views.export, name="export"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("company/cancel/", views.cancel_company, name="cancel_company"),
    path("screenshots/<uuid:screenshot_id>/", views.screenshot, name="screenshot"),
    path(
        "screenshots/<uuid:screenshot_id>/thumbnail/",
        views.screenshot_thumbnail,
        name="screenshot_thumbnail",
    ),
]
