"""allauth's rate limit for failed logins, with the lockout window as a number of seconds.

Plain Python (no Django imports): settings.py builds ACCOUNT_RATE_LIMITS with it, and tests
build a short window the same way.
"""

from __future__ import annotations


def login_failed_rate(*, lockout_seconds: int) -> str:
    """Five failures for one account, or twenty from one address, within the window lock
    further attempts until the oldest failure leaves the window."""
    return f"20/{lockout_seconds}s/ip,5/{lockout_seconds}s/key"
