"""API errors as `{"detail": "<message naming the problem>"}`: the HTTP status of each refusal
the ingest services raise (ingest.errors), and pydantic errors turned into such messages
("slots[3].active_seconds: active_seconds exceeds length_seconds")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from worklens_server.ingest.errors import (
    AheadOfTheClock,
    BatchIdTaken,
    BelongsToAnotherDevice,
    ImageTooLarge,
    InvalidItem,
    NotAnImage,
    OffInPolicy,
    ProjectClosed,
    UnknownReference,
    UploadRefused,
)
from worklens_wire import v1

SERVER_CONTRACT_VERSION = v1.CONTRACT_VERSION


class ApiProblem(Exception):
    """Raised by the API layer (its views and device authentication); answered as `status`
    with `{"detail": detail}`. Services raise domain errors instead (ingest.errors)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


_REFUSAL_STATUS: dict[type[UploadRefused], int] = {
    BelongsToAnotherDevice: 403,
    BatchIdTaken: 409,
    UnknownReference: 422,
    InvalidItem: 422,
    ImageTooLarge: 413,
    NotAnImage: 415,
    OffInPolicy: 403,
    AheadOfTheClock: 422,
    ProjectClosed: 422,
    UploadRefused: 422,
}


def problem_from_refusal(refusal: UploadRefused) -> ApiProblem:
    """The answer to a refused upload: its kind's status, its message as the detail."""
    status = next(
        _REFUSAL_STATUS[kind] for kind in type(refusal).__mro__ if kind in _REFUSAL_STATUS
    )
    return ApiProblem(status, str(refusal))


def _wire_field_names() -> frozenset[str]:
    names: set[str] = set()
    for value in vars(v1).values():
        if isinstance(value, type) and issubclass(value, BaseModel):
            names.update(value.model_fields)
    return frozenset(names)


_FIELD_NAMES = _wire_field_names()
# Body parameter names Ninja puts in front of a model's own error locations.
_NINJA_PREFIXES = frozenset({"body", "payload", "form", "file", "query", "path"})


def format_location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def format_validation_error(error: Mapping[str, Any]) -> str:
    """One pydantic error as "path: message". A model-level check whose message starts with a
    field name (the wire's "active_seconds exceeds length_seconds") is reported on that field."""
    loc = [part for part in error.get("loc", ()) if part != "__root__"]
    message = _message(error)
    first_word = message.split(" ", 1)[0]
    if error.get("type") == "value_error" and first_word in _FIELD_NAMES:
        loc.append(first_word)
    path = format_location(loc)
    if not path:
        path = "body"
    return f"{path}: {message}"


def strip_ninja_prefix(loc: Sequence[int | str]) -> list[int | str]:
    """Ninja reports body errors at ("body", "<param>", ...): the client knows no such names."""
    parts = list(loc)
    while parts and parts[0] in _NINJA_PREFIXES:
        parts.pop(0)
    return parts


def problem_from_errors(
    errors: Iterable[Mapping[str, Any]], *, sent_version: object = None
) -> ApiProblem:
    """400 for an unknown contract version (the client must upgrade, not fix a field);
    422 naming every field problem otherwise."""
    errors = list(errors)
    for error in errors:
        if list(error.get("loc", ())) == ["contract_version"]:
            version = error.get("input", sent_version)
            return ApiProblem(
                400,
                f"unsupported contract version {version!r}; this server speaks "
                f"{SERVER_CONTRACT_VERSION}",
            )
    messages = [format_validation_error(error) for error in errors]
    shown = messages[:5]
    if len(messages) > len(shown):
        shown.append(f"and {len(messages) - len(shown)} more problems")
    return ApiProblem(422, "; ".join(shown))
