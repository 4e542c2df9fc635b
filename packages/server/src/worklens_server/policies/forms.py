"""The forms for the collection policy: the owner's company policy (with what managers may
change), and the settings of one team or one member, where each field inherits or has a value.

Every bound comes from the wire contract's Policy (worklens_wire.v1), and the cleaned values are
checked against that model as a whole, so a policy these forms accept is always one the agent
accepts."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from pydantic import ValidationError

from worklens_server.policies import rules
from worklens_server.policies.resolution import Resolved
from worklens_server.policies.services import EDITABLE_FIELDS
from worklens_wire.v1 import Policy as WirePolicy

#: The wire model's JSON schema: its published limits, read once.
_WIRE_FIELDS: dict[str, Any] = WirePolicy.model_json_schema()["properties"]
MAX_PRIVATE_APPS = rules.MAX_PRIVATE_APPS

HELP = {
    "capture_activity": "How many keyboard and mouse events happened and how many seconds were "
    "active per slot. Counts only: which keys are pressed is never collected.",
    "slot_seconds": "Activity levels are summed per slot.",
    "idle_threshold_seconds": "Time without keyboard or mouse input after which the time counts "
    "as idle.",
    "capture_apps": "The name of the application in use.",
    "capture_titles": "The title of the window in front (it often names the open document).",
    "capture_urls": "The address of the page open in the browser.",
    "screenshots_per_interval": "Taken at random moments in every interval; 0 takes no "
    "screenshots at all.",
    "screenshot_interval_seconds": "The screenshots above are spread over every interval of "
    "this length.",
    "screenshot_quality": "Higher is sharper and larger.",
    "screenshot_max_width": "Wider screens are scaled down on the computer before upload.",
    "screenshot_blur": "Blurred on the computer before upload, so text on them cannot be read.",
    "private_apps": "One application name per line (for example: KeePassXC, 1Password.exe). No "
    "screenshot is taken while one of them is in front. Case, a path and .exe/.app do not "
    f"matter. At most {MAX_PRIVATE_APPS}.",
}
UNITS = {name: "In seconds, " for name in rules.SECONDS} | {"screenshot_max_width": "In pixels, "}


def _bounds(name: str) -> tuple[int, int]:
    """The lowest and highest value the wire model's Field(ge=, le=) allows."""
    field = _WIRE_FIELDS[name]
    return int(field["minimum"]), int(field["maximum"])


def _number(name: str, *, required: bool = True) -> forms.IntegerField:
    lowest, highest = _bounds(name)
    return forms.IntegerField(
        label=rules.LABELS[name],
        help_text=f"{HELP[name]} {UNITS.get(name, '')}{lowest} to {highest}.",
        min_value=lowest,
        max_value=highest,
        required=required,
    )


def parse_private_apps(text: str) -> list[str]:
    """One app name per line. Blank lines and surrounding spaces are dropped, and a name listed
    twice (the agent compares names case-insensitively) is kept once, as first written. Not cut
    at the agent's limit: a longer list is the form's error."""
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


def _check_against_wire(form: forms.Form, values: Mapping[str, Any]) -> None:
    """The whole policy against the wire model: what the agent would refuse is an error on the
    field it concerns (a too long app name names the app)."""
    try:
        WirePolicy(**values)
    except ValidationError as error:
        for problem in error.errors():
            location = problem["loc"]
            field = str(location[0]) if location else None
            message = problem["msg"]
            if field == "private_apps" and len(location) > 1:
                app = values["private_apps"][int(location[1])]
                message = f"{app[:40]}{'…' if len(app) > 40 else ''}: {message}"
            form.add_error(field if field in form.fields else None, message)


def _company_field(name: str) -> forms.Field:
    if name in rules.SWITCHES:
        return forms.BooleanField(label=rules.LABELS[name], help_text=HELP[name], required=False)
    if name == "private_apps":
        return PrivateAppsField(label=rules.LABELS[name], help_text=HELP[name], required=False)
    return _number(name)


class PolicyForm(forms.Form):
    #: The version the form was filled from, so a concurrent change is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    managers_may_change = forms.MultipleChoiceField(
        label="Managers may change, for the teams they manage and those teams' members",
        help_text="Only toward collecting less than this policy, never more (the slot length and "
        "the idle threshold to any value). Not their own settings.",
        choices=[(name, rules.LABELS[name]) for name in rules.FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in rules.FIELDS:
            self.fields[name] = _company_field(name)

    @classmethod
    def initial_from(cls, policy: WirePolicy, bounds: Collection[str] = ()) -> dict[str, Any]:
        return policy.model_dump() | {"managers_may_change": list(bounds)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            _check_against_wire(self, {**self.policy_values(), "version": cleaned["version"]})
        return cleaned

    def policy_values(self) -> dict[str, Any]:
        """The cleaned policy fields, as update_policy takes them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


INHERIT = ""
SET = "set"


class OverrideForm(forms.Form):
    """The settings of one team or member: each switch is "inherit", on or off; an empty number
    inherits; the private apps inherit or are a list of their own. `inherited` is what applies
    without these settings (shown with each field); fields outside `editable` are shown but
    are shown disabled. A browser does not send a disabled field, so a field the request leaves
    out keeps its current value; one it sends anyway goes to the service, which refuses a change
    the person may not make with its reason (the owner may have narrowed what managers may
    change while the page was open)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        current: Mapping[str, Any],
        inherited: Resolved,
        editable: Collection[str],
        version: int,
    ) -> None:
        super().__init__(data, initial={"version": version})
        initial = self.initial
        self.inherited = inherited
        self.current = dict(current)
        self.locked = frozenset(rules.FIELDS) - frozenset(editable)
        values = inherited.policy.model_dump()
        for name in rules.FIELDS:
            source = inherited.sources[name]
            inherits = f"{rules.show(name, values[name])}, from the {source}"
            if name in rules.SWITCHES:
                field: forms.Field = forms.TypedChoiceField(
                    label=rules.LABELS[name],
                    help_text=HELP[name],
                    choices=[(INHERIT, f"Inherit: {inherits}"), ("on", "On"), ("off", "Off")],
                    coerce=lambda value: value == "on",
                    empty_value=None,
                    required=False,
                )
                initial[name] = {None: INHERIT, True: "on", False: "off"}[current.get(name)]
            elif name == "private_apps":
                self.fields["private_apps_mode"] = forms.ChoiceField(
                    label="Private apps",
                    choices=[(INHERIT, f"Inherit: {inherits}"), (SET, "Use the list below")],
                    required=False,
                )
                if name in self.locked:
                    self.fields["private_apps_mode"].widget.attrs["disabled"] = True
                initial["private_apps_mode"] = SET if name in current else INHERIT
                field = PrivateAppsField(label="Private apps of their own", required=False)
                field.help_text = HELP[name]
                initial[name] = current.get(name, [])
            else:
                field = _number(name, required=False)
                field.help_text = f"Empty inherits {inherits}. {field.help_text}"
                field.widget.attrs["placeholder"] = str(values[name])
                initial[name] = current.get(name)
            if name in self.locked:
                field.widget.attrs["disabled"] = True
            self.fields[name] = field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            changes = {k: v for k, v in self.changes().items() if v is not None}
            base = self.inherited.policy.model_dump()
            _check_against_wire(self, {**base, **changes})
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Every field: its value, or None to inherit; as set_policy_override takes them."""
        values = {name: self.cleaned_data.get(name) for name in rules.FIELDS}
        if self.cleaned_data.get("private_apps_mode") != SET:
            values["private_apps"] = None
        sent = {name for name in rules.FIELDS if name in self.data}
        # The private apps are sent when their mode is (the list alone says nothing).
        sent.discard("private_apps")
        if "private_apps_mode" in self.data:
            sent.add("private_apps")
        for name in self.locked - sent:
            values[name] = self.current.get(name)
        return values
