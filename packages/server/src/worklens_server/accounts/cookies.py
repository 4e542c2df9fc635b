"""The cookies WorkLens sets, read from the settings that configure them, so the cookies page
stays true when a setting changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from worklens_server.formatting import duration_in_largest_unit


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str
    set_when: str


def _lifetime(seconds: int | None, *, browser_session: bool = False) -> str:
    if browser_session or seconds is None:
        return "until you close the browser"
    return duration_in_largest_unit(seconds)


def _session_lifetime() -> str:
    remembered = _lifetime(
        settings.SESSION_COOKIE_AGE, browser_session=settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    )
    # allauth's "Remember me" box (shown while ACCOUNT_SESSION_REMEMBER is None) decides.
    remember = getattr(settings, "ACCOUNT_SESSION_REMEMBER", None)
    if remember is None and not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        return (
            f"{remembered} if you tick “Remember me” when signing in, "
            "otherwise until you close the browser"
        )
    if remember is False:
        return _lifetime(None, browser_session=True)
    return remembered


def list_cookies() -> list[Cookie]:
    cookies = [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="Keeps you signed in, and carries short messages from one page to the next.",
            lifetime=_session_lifetime(),
            set_when="when you sign in or start signing up",
        ),
        Cookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose="Proves that a form you send was shown by WorkLens (protection against "
            "cross-site request forgery).",
            lifetime=_lifetime(settings.CSRF_COOKIE_AGE),
            set_when="when a page with a form opens",
        ),
    ]
    if settings.USE_I18N:
        cookies.append(
            Cookie(
                name=settings.LANGUAGE_COOKIE_NAME,
                purpose="Remembers the language you chose for the dashboard.",
                lifetime=_lifetime(settings.LANGUAGE_COOKIE_AGE),
                set_when=(
                    "only when you choose a language"
                    if len(settings.LANGUAGES) > 1
                    else "never today: WorkLens is offered in one language only"
                ),
            )
        )
    return cookies
