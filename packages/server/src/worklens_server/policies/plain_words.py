"""The company's collection policy in plain words, for the person it is collected about.

Every sentence is generated from the Policy fields, so what a person acknowledges is what the
agent is told to do. The "never collected" list is the product's promise (README and
docs/privacy.md), not a setting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from worklens_server.formatting import duration_in_words
from worklens_wire.v1 import Policy

NEVER_COLLECTED = (
    "Keystrokes, which keys you press, or anything you type.",
    "Your webcam or microphone.",
    "Your clipboard, the contents of your files, or your passwords.",
    "Anything at all while the timer is stopped.",
    "Your race, religion, health or biometrics.",
)


@dataclass(frozen=True)
class PolicyInPlainWords:
    version: int
    collected: list[str]
    not_collected: list[str]
    never_collected: list[str]

    def as_record(self) -> dict[str, object]:
        return asdict(self)


def _screenshots(policy: Policy) -> str:
    count = policy.screenshots_per_interval
    every = duration_in_words(policy.screenshot_interval_seconds)
    what = "1 screenshot" if count == 1 else f"{count} screenshots"
    blur = (
        "blurred on your computer before they are uploaded, so text on them cannot be read"
        if policy.screenshot_blur
        else "not blurred: what is on your screen can be read on them"
    )
    return (
        f"Screenshots: {what} of your screen at random moments in every {every} "
        f"while the timer runs; they are {blur}."
    )


def describe_policy(policy: Policy) -> PolicyInPlainWords:
    slot = duration_in_words(policy.slot_seconds)
    collected = [
        "When you start and stop the timer, and the project, task and notes you choose.",
        "About this computer: hardware model, operating system version, a hashed machine id, "
        "timezone and the WorkLens agent's version.",
    ]
    not_collected = []
    if policy.screenshots_per_interval > 0:
        collected.append(_screenshots(policy))
    else:
        not_collected.append("Screenshots: none are taken.")
    activity = (
        f"Keyboard and mouse activity level: how many keyboard and mouse events happened and "
        f"how many seconds you were active in every {slot} (counts only, never which keys)."
    )
    (collected if policy.capture_activity else not_collected).append(
        activity if policy.capture_activity else "Keyboard and mouse activity level."
    )
    if policy.capture_apps:
        collected.append("The name of the application in front while the timer runs.")
    else:
        not_collected.append("Which applications you use.")
    if policy.capture_titles:
        collected.append("The title of the window in front (it often names the open document).")
    else:
        not_collected.append("Window titles.")
    if policy.capture_urls:
        collected.append("The address (URL) of the page open in your browser.")
    else:
        not_collected.append("Web addresses (URLs) you visit.")
    collected.append(
        f"Idle time: after {duration_in_words(policy.idle_threshold_seconds)} without keyboard "
        "or mouse input, the time counts as idle."
    )
    if policy.private_apps:
        apps = ", ".join(policy.private_apps)
        collected.append(
            f"Private apps: no screenshot is taken while one of these is in front: {apps}."
        )
    return PolicyInPlainWords(
        version=policy.version,
        collected=collected,
        not_collected=not_collected,
        never_collected=list(NEVER_COLLECTED),
    )
