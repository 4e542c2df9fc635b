"""The kinds of e-mail WorkLens sends, and which of them a person may turn off."""

from __future__ import annotations

from dataclasses import dataclass

TRANSACTIONAL = "transactional"


@dataclass(frozen=True)
class OptionalCategory:
    slug: str
    label: str
    description: str


#: E-mail a person receives only after opting in; off by default.
OPTIONAL_CATEGORIES: tuple[OptionalCategory, ...] = (
    OptionalCategory(
        slug="product_news",
        label="Product news",
        description="Occasional news about WorkLens: releases, events, tips.",
    ),
    OptionalCategory(
        slug="weekly_summary",
        label="Weekly summary",
        description="For owners and managers: once a week, the last whole week's time of the "
        "people you see, per member and day.",
    ),
    OptionalCategory(
        slug="new_features",
        label="New features",
        description="A short note when a feature you can use arrives in WorkLens.",
    ),
)

#: What transactional e-mail covers, shown on the preferences page.
TRANSACTIONAL_KINDS: tuple[str, ...] = (
    "e-mail address verification and password reset links",
    "confirmation that your password was changed",
    "notices that the service failed for you or your company",
    "new versions of the WorkLens agent",
    "invitations to join a company",
    "timesheet approvals: a week submitted to you, a decision on your week or your time",
    "confirmation that an account or a company was deleted",
)


def optional_category_slugs() -> frozenset[str]:
    return frozenset(category.slug for category in OPTIONAL_CATEGORIES)


def is_known_category(category: str) -> bool:
    return category == TRANSACTIONAL or category in optional_category_slugs()
