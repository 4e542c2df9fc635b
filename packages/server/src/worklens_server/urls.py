from django.urls import include, path

from worklens_server.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("worklens_server.notifications.urls")),
    path("", include("worklens_server.companies.urls")),
    path("", include("worklens_server.accounts.urls")),
    path("", include("worklens_server.reports.urls")),
    path("", include("worklens_server.timesheets.urls")),
    path("", include("worklens_server.insights.urls")),
    path("", include("worklens_server.privacy.urls")),
    path("", include("worklens_server.companies.people_urls")),
    path("", include("worklens_server.projects.urls")),
    path("", include("worklens_server.invitations.urls")),
    path("", include("worklens_server.devices.urls")),
    path("", include("worklens_server.policies.urls")),
    path("", include("worklens_server.alerts.urls")),
]
