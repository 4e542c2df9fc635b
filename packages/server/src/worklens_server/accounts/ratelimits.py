"""allauth's rate limit for failed logins, with the lockout window as a number of seconds.

Plain Python (no Django imports): settings.py builds ACCOUNT_RATE_LIMITS with it, and tests
build a short window the same way.
"""

from __future__ import annotations


def login_failed_rate(*, lockout_seconds: int) -> str:
    """Five failures for one account, or twenty from one address, within the window lock
    further attempts until the oldest failure leaves the window.

    The account's limit comes first: allauth checks the rates in order and records an attempt
    against each rate it passes, so attempts refused for the account do not also use up the
    address's allowance (which would extend a lockout beyond its window).
    """
    return f"5/{lockout_seconds}s/key,20/{lockout_seconds}s/ip"
