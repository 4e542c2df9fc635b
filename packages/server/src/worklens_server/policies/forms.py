"""The owner's form for the collection policy.

Every bound comes from the wire contract's Policy (worklens_wire.v1), and the cleaned values are
checked against that model as a whole, so a policy this form accepts is always one the agent
accepts."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import ValidationError

from worklens_server.policies.services import EDITABLE_FIELDS
from worklens_wire.v1 import Policy as WirePolicy

#: The wire model's JSON schema: its published limits, read once.
_WIRE_FIELDS: dict[str, Any] = WirePolicy.model_json_schema()["properties"]


def _bounds(name: str) -> tuple[int, int]:
    """The lowest and highest value the wire model's Field(ge=, le=) allows."""
    field = _WIRE_FIELDS[name]
    return int(field["minimum"]), int(field["maximum"])


def _number(name: str, label: str, help_text: str, unit: str = "") -> forms.IntegerField:
    lowest, highest = _bounds(name)
    return forms.IntegerField(
        label=label,
        help_text=f"{help_text} {unit}{lowest} to {highest}.",
        min_value=lowest,
        max_value=highest,
    )


MAX_PRIVATE_APPS = int(_WIRE_FIELDS["private_apps"]["maxItems"])
SECONDS = "In seconds, "


def _switch(label: str, help_text: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


def parse_private_apps(text: str) -> list[str]:
    """One app name per line. Blank lines and surrounding spaces are dropped, and a name listed
    twice (the agent compares names case-insensitively) is kept once, as first written."""
    apps: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        app = line.strip()
        if app and app.casefold() not in seen:
            seen.add(app.casefold())
            apps.append(app)
    return apps


class PrivateAppsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5, "spellcheck": "false"})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return parse_private_apps(super().to_python(value) or "")

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def validate(self, value: Any) -> None:
        if len(value) > MAX_PRIVATE_APPS:
            raise forms.ValidationError(
                f"at most {MAX_PRIVATE_APPS} private apps (this list has {len(value)})"
            )


class PolicyForm(forms.Form):
    #: The version the form was filled from, so a concurrent change is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    capture_activity = _switch(
        "Keyboard and mouse activity level",
        "How many keyboard and mouse events happened and how many seconds were active per "
        "slot. Counts only: which keys are pressed is never collected.",
    )
    slot_seconds = _number(
        "slot_seconds",
        "Activity slot length",
        "Activity levels are summed per slot.",
        unit=SECONDS,
    )
    idle_threshold_seconds = _number(
        "idle_threshold_seconds",
        "Idle after",
        "Time without keyboard or mouse input after which the time counts as idle.",
        unit=SECONDS,
    )
    capture_apps = _switch("Application in front", "The name of the application in use.")
    capture_titles = _switch(
        "Window titles", "The title of the window in front (it often names the open document)."
    )
    capture_urls = _switch("Web addresses (URLs)", "The address of the page open in the browser.")
    screenshots_per_interval = _number(
        "screenshots_per_interval",
        "Screenshots per interval",
        "Taken at random moments in every interval; 0 takes no screenshots at all.",
    )
    screenshot_interval_seconds = _number(
        "screenshot_interval_seconds",
        "Screenshot interval",
        "The screenshots above are spread over every interval of this length.",
        unit=SECONDS,
    )
    screenshot_quality = _number(
        "screenshot_quality", "Screenshot JPEG quality", "Higher is sharper and larger."
    )
    screenshot_max_width = _number(
        "screenshot_max_width",
        "Screenshot maximum width",
        "Wider screens are scaled down on the computer before upload.",
        unit="In pixels, ",
    )
    screenshot_blur = _switch(
        "Blur screenshots",
        "Blurred on the computer before upload, so text on them cannot be read.",
    )
    private_apps = PrivateAppsField(
        label="Private apps",
        required=False,
        help_text=(
            "One application name per line (for example: KeePassXC, 1Password.exe). No "
            "screenshot is taken while one of them is in front. Case, a path and .exe/.app "
            f"do not matter. At most {MAX_PRIVATE_APPS}."
        ),
    )

    @classmethod
    def initial_from(cls, policy: WirePolicy) -> dict[str, Any]:
        return policy.model_dump()

    def clean(self) -> dict[str, Any]:
        """The whole policy against the wire model: what the agent would refuse is an error on
        the field it concerns (a too long app name names the app)."""
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            WirePolicy(**{**self.policy_values(), "version": cleaned["version"]})
        except ValidationError as error:
            for problem in error.errors():
                location = problem["loc"]
                field = str(location[0]) if location else None
                message = problem["msg"]
                if field == "private_apps" and len(location) > 1:
                    app = cleaned["private_apps"][int(location[1])]
                    message = f"{app[:40]}{'…' if len(app) > 40 else ''}: {message}"
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def policy_values(self) -> dict[str, Any]:
        """The cleaned policy fields, as update_policy takes them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
