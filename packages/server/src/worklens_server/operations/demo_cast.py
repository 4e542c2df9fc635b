"""Who works at the demo company and what their working days are made of: the people of its two
teams, and for each kind of work the projects, applications, window titles and URLs it shows.

Pure data (no database): `demo_history.py` creates the people and `demo_days.py` plans their
days from it. Names, tickets and addresses are invented; `.example` addresses never resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAIN = "demo.worklens.example"
PRODUCT = "Product"
SUPPORT = "Support"


@dataclass(frozen=True)
class Window:
    """An application in front: its name, the window's title and, for a browser, the URL."""

    app: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Work:
    """A kind of work: the project and task its time goes to, the notes of its entries, how busy
    keyboard and mouse are (share of active seconds, events per active second) and the windows
    that are in front while doing it."""

    project: str
    task: str
    notes: str
    active: tuple[float, float]
    keys_per_second: float
    clicks_per_second: float
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class Person:
    """One person of the demo; `timezone` empty: the company's. `works` are the kinds of work of
    their days, the first the most frequent."""

    email: str
    full_name: str
    team: str
    is_manager: bool
    timezone: str
    hostname: str
    os_name: str
    first_hour: float
    works: tuple[str, ...]


def _jira(key: str, title: str) -> Window:
    return Window(
        "Firefox", f"{key} {title} - Jira", f"https://acme.atlassian.example/browse/{key}"
    )


_MAIL = Window("Firefox", "Inbox (4) - mail.acme.example", "https://mail.acme.example/inbox")
_CHAT_PRODUCT = Window("Slack", "#product - Acme - Slack")
_CHAT_SUPPORT = Window("Slack", "#support-escalations - Acme - Slack")
_CALENDAR = Window("Firefox", "Calendar - Week of planning", "https://calendar.acme.example/week")

WORKS: dict[str, Work] = {
    "code": Work(
        "Website relaunch",
        "Implementation",
        "Landing page: hero section and sign-up form",
        (0.6, 0.9),
        2.2,
        0.9,
        (
            Window("Visual Studio Code", "signup_form.tsx - website - Visual Studio Code"),
            Window("Visual Studio Code", "hero.module.css - website - Visual Studio Code"),
            Window("Terminal", "npm run test -- --watch"),
            Window("Terminal", "git rebase -i main"),
            _jira("WEB-231", "Hero section layout"),
            Window(
                "Firefox",
                "Forms - React documentation",
                "https://react.dev/reference/react-dom/components/form",
            ),
            Window(
                "Firefox",
                "Pull request #412: Sign-up form validation - GitHub",
                "https://github.example/acme/website/pull/412",
            ),
            _CHAT_PRODUCT,
        ),
    ),
    "review": Work(
        "Website relaunch",
        "Review",
        "Code review of the pricing page",
        (0.45, 0.75),
        0.9,
        1.6,
        (
            Window(
                "Firefox",
                "Pull request #415: Pricing table - GitHub",
                "https://github.example/acme/website/pull/415/files",
            ),
            Window("Visual Studio Code", "pricing_table.tsx - website - Visual Studio Code"),
            Window("Terminal", "npm run e2e -- pricing"),
            _CHAT_PRODUCT,
        ),
    ),
    "design": Work(
        "Website relaunch",
        "Design",
        "Pricing page mock-ups, mobile first",
        (0.55, 0.85),
        0.6,
        3.5,
        (
            Window(
                "Figma",
                "Website relaunch - Pricing (mobile) - Figma",
                "https://figma.example/file/Qx7/Website-relaunch",
            ),
            Window("Figma", "Design system - Buttons and forms - Figma"),
            Window(
                "Firefox",
                "Pricing pages - inspiration board - Notion",
                "https://notion.example/acme/pricing-inspiration",
            ),
            _jira("WEB-240", "Pricing page, mobile layout"),
            _CHAT_PRODUCT,
        ),
    ),
    "tickets": Work(
        "Customer support",
        "Tickets",
        "Ticket queue, first-line answers",
        (0.5, 0.8),
        2.6,
        1.2,
        (
            Window(
                "Firefox",
                "#48213 Cannot log in after password reset - Zendesk",
                "https://acme.zendesk.example/agent/tickets/48213",
            ),
            Window(
                "Firefox",
                "#48230 Invoice shows the wrong VAT number - Zendesk",
                "https://acme.zendesk.example/agent/tickets/48230",
            ),
            Window(
                "Firefox",
                "Views: My open tickets (12) - Zendesk",
                "https://acme.zendesk.example/agent/filters/360",
            ),
            Window(
                "Firefox",
                "How to reset two-factor sign-in - Help Center",
                "https://help.acme.example/articles/two-factor-reset",
            ),
            _MAIL,
            _CHAT_SUPPORT,
        ),
    ),
    "calls": Work(
        "Customer support",
        "Calls",
        "Onboarding calls with new customers",
        (0.15, 0.4),
        0.5,
        0.8,
        (
            Window("Zoom", "Zoom Meeting - Onboarding, Brightside Ltd"),
            Window("Firefox", "Customer: Brightside Ltd - CRM", "https://crm.acme.example/c/1881"),
            Window("LibreOffice Calc", "Onboarding checklist.ods - LibreOffice Calc"),
        ),
    ),
    "rota": Work(
        "Internal",
        "Planning",
        "Support rota and ticket statistics",
        (0.45, 0.75),
        1.8,
        1.5,
        (
            Window("LibreOffice Calc", "Support rota December.ods - LibreOffice Calc"),
            Window("LibreOffice Calc", "Ticket statistics 2026.ods - LibreOffice Calc"),
            _MAIL,
            _CALENDAR,
            _CHAT_SUPPORT,
        ),
    ),
    "planning": Work(
        "Internal",
        "Planning",
        "Sprint planning and roadmap",
        (0.4, 0.7),
        1.5,
        1.4,
        (
            Window(
                "Firefox",
                "Sprint 24 board - Jira",
                "https://acme.atlassian.example/jira/software/projects/WEB/boards/7",
            ),
            Window(
                "Firefox",
                "Roadmap Q1 - Google Sheets",
                "https://docs.google.example/spreadsheets/d/roadmap-q1",
            ),
            _MAIL,
            _CALENDAR,
            _CHAT_PRODUCT,
        ),
    ),
    "meeting": Work(
        "Internal",
        "Meetings",
        "Weekly sync",
        (0.1, 0.3),
        0.3,
        0.6,
        (
            Window("Zoom", "Zoom Meeting - Weekly sync"),
            Window("Firefox", "Weekly sync notes - Notion", "https://notion.example/acme/sync"),
        ),
    ),
}

#: Two teams of five, a manager each; two people far from the company's zone. manager@ and
#: employee@ are the logins `seed_demo` prints, so they lead and work in Product. Each team lists
#: its manager first; Support's second works in another zone (see `cast`).
PEOPLE: tuple[Person, ...] = (
    Person(f"manager@{DOMAIN}", "Max Manager", PRODUCT, True, "", "max-mbp", "macOS", 8.5,
           ("planning", "review", "meeting")),
    Person(f"employee@{DOMAIN}", "Emma Employee", PRODUCT, False, "", "emma-thinkpad", "Linux",
           9.0, ("code", "review")),
    Person(f"noah@{DOMAIN}", "Noah Fischer", PRODUCT, False, "", "noah-desktop", "Windows", 8.0,
           ("code", "review", "planning")),
    Person(f"sofia@{DOMAIN}", "Sofia Rossi", PRODUCT, False, "", "sofia-mbp", "macOS", 9.5,
           ("design", "review")),
    Person(f"liam@{DOMAIN}", "Liam O'Connor", PRODUCT, False, "America/New_York", "liam-xps",
           "Linux", 8.5, ("code", "review")),
    Person(f"hannah@{DOMAIN}", "Hannah Becker", SUPPORT, True, "", "hannah-laptop", "Windows",
           8.0, ("rota", "tickets", "calls")),
    Person(f"aisha@{DOMAIN}", "Aisha Khan", SUPPORT, False, "Asia/Kolkata", "aisha-laptop",
           "Windows", 9.0, ("tickets", "calls")),
    Person(f"lucas@{DOMAIN}", "Lucas Martin", SUPPORT, False, "", "lucas-laptop", "Windows", 8.0,
           ("tickets", "calls")),
    Person(f"tom@{DOMAIN}", "Tom Nowak", SUPPORT, False, "", "tom-desktop", "Linux", 9.5,
           ("tickets", "rota")),
    Person(f"julia@{DOMAIN}", "Julia Santos", SUPPORT, False, "", "julia-mbp", "macOS", 10.0,
           ("calls", "tickets")),
)  # fmt: skip


def cast(*, per_team: int) -> list[Person]:
    """The first `per_team` people of each team: a smaller demo (faster to make) that still has
    both teams, their managers, and from two on someone of another zone."""
    taken: dict[str, int] = {}
    chosen = []
    for person in PEOPLE:
        if taken.get(person.team, 0) < per_team:
            taken[person.team] = taken.get(person.team, 0) + 1
            chosen.append(person)
    return chosen
