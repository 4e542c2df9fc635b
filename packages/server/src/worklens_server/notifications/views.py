"""E-mail preferences (logged in) and unsubscribe links (no login: the token says who)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from worklens_server.accounts.models import User
from worklens_server.notifications.categories import (
    OPTIONAL_CATEGORIES,
    TRANSACTIONAL_KINDS,
    optional_category_slugs,
)
from worklens_server.notifications.selectors import get_opted_in_categories
from worklens_server.notifications.services import set_email_preferences, unsubscribe
from worklens_server.notifications.tokens import read_unsubscribe_token


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if request.method == "POST":
        chosen = set(request.POST.getlist("categories")) & optional_category_slugs()
        set_email_preferences(user=request.user, opted_in=chosen)
        messages.success(request, "Your e-mail preferences are saved.")
        return redirect("notifications:preferences")
    opted_in = get_opted_in_categories(user=request.user)
    return render(
        request,
        "notifications/preferences.html",
        {
            "categories": [
                (category, category.slug in opted_in) for category in OPTIONAL_CATEGORIES
            ],
            "transactional_kinds": TRANSACTIONAL_KINDS,
        },
    )


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without cookies; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    request_for = read_unsubscribe_token(token)
    if request_for is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    labels = {category.slug: category.label for category in OPTIONAL_CATEGORIES}
    label = labels.get(request_for.category, request_for.category)
    if request.method == "POST":
        unsubscribe(token=token)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
