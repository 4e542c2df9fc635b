"""Pages of the accounts app that are not allauth's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from worklens_server.accounts.cookies import list_cookies


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/cookies.html", {"cookies": list_cookies()})
