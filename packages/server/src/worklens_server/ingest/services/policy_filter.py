"""What the member's effective policy switches off is not stored, whatever the agent sends.

An unmodified agent collects nothing the policy switches off; this holds the server to the policy
for every agent: an old one that has not fetched the latest policy yet, or one changed by hand.
Titles and URLs are dropped from app spans, spans are left out when applications are off,
activity counts are zeroed (and input flags dropped) when activity is off, and screenshot records
are left out when screenshots are off. The rest of the batch is stored, and the answer says what
was not (`BatchAck.not_stored`). Screenshot images are refused at upload (screenshots.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from worklens_wire.v1 import NotStored, Policy, UploadBatch


@dataclass(frozen=True)
class Filtered:
    batch: UploadBatch
    not_stored: list[NotStored] = field(default_factory=list)
    #: Items left out whole (counted in `received` but neither stored nor duplicates).
    left_out: int = 0


def _off(what: str) -> str:
    return f"{what} are off in the company's collection policy for this member"


def filter_by_policy(batch: UploadBatch, policy: Policy) -> Filtered:
    notes: list[NotStored] = []
    changes: dict[str, object] = {}
    left_out = 0
    if not policy.capture_activity:
        counted = [
            s
            for s in batch.slots
            if s.active_seconds or s.keyboard_events or s.mouse_events or s.input_flags
        ]
        if counted:
            # Input flags derive from the activity: with it off, they go too.
            changes["slots"] = [
                s.model_copy(
                    update={
                        "active_seconds": 0,
                        "keyboard_events": 0,
                        "mouse_events": 0,
                        "input_flags": None,
                    }
                )
                for s in batch.slots
            ]
            notes.append(
                NotStored(what="slots.activity", count=len(counted), reason=_off("activity counts"))
            )
    if batch.app_spans and not policy.capture_apps:
        changes["app_spans"] = []
        left_out += len(batch.app_spans)
        notes.append(
            NotStored(what="app_spans", count=len(batch.app_spans), reason=_off("applications"))
        )
    elif batch.app_spans:
        drop = {}
        if not policy.capture_titles:
            drop["title"] = sum(1 for s in batch.app_spans if s.title is not None)
        if not policy.capture_urls:
            drop["url"] = sum(1 for s in batch.app_spans if s.url is not None)
        drop = {name: count for name, count in drop.items() if count}
        if drop:
            changes["app_spans"] = [
                s.model_copy(update=dict.fromkeys(drop)) for s in batch.app_spans
            ]
            for name, count in drop.items():
                what = "window titles" if name == "title" else "browser URLs"
                notes.append(NotStored(what=f"app_spans.{name}", count=count, reason=_off(what)))
    if batch.screenshots and policy.screenshots_per_interval == 0:
        changes["screenshots"] = []
        left_out += len(batch.screenshots)
        notes.append(
            NotStored(what="screenshots", count=len(batch.screenshots), reason=_off("screenshots"))
        )
    if not changes:
        return Filtered(batch)
    return Filtered(batch.model_copy(update=changes), notes, left_out)
