"""The cookies WorkLens sets, read from the settings that configure them, so the cookies page
stays true when a setting changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str
    set_when: str


def _lifetime(seconds: int | None, *, browser_session: bool = False) -> str:
    if browser_session or seconds is None:
        return "until you close the browser"
    days, rest = divmod(int(seconds), 86400)
    if days and not rest:
        return f"{days} day" + ("s" if days != 1 else "")
    hours, rest = divmod(int(seconds), 3600)
    if hours and not rest:
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{int(seconds)} seconds"


def list_cookies() -> list[Cookie]:
    cookies = [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="Keeps you signed in, and carries short messages from one page to the next.",
            lifetime=_lifetime(
                settings.SESSION_COOKIE_AGE,
                browser_session=settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
            ),
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
