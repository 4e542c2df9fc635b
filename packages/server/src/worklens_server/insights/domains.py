"""What a page calls a span: its web domain when it carried a URL, else its app. Pure Python, used
at ingest (the day totals) and when pages read spans (fair activity), so both agree."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

DOMAIN_LENGTH = 255


@functools.lru_cache(maxsize=4096)
def domain_of(url: str | None) -> str:
    """The host of `url` in lower case without a leading "www.", or "" when it names none
    ("about:blank", a file, no URL at all): such spans count as their app."""
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host.removeprefix("www.")[:DOMAIN_LENGTH]


def parent_domains(domain: str) -> list[str]:
    """`domain` and the domains above it, nearest first, down to two labels:
    "docs.example.com" -> ["docs.example.com", "example.com"]. A label on a domain covers its
    subdomains unless one of them has its own."""
    parts = domain.split(".")
    return [".".join(parts[n:]) for n in range(max(1, len(parts) - 1))]
