"""The NinjaAPI instance for /api/v1/ and its error contract: every error is
`{"detail": "<message naming the problem>"}`."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from worklens_server.ingest.api import router as ingest_router
from worklens_server.ingest.errors import UploadRefused
from worklens_server.ingest.problems import (
    ApiProblem,
    problem_from_errors,
    problem_from_refusal,
    strip_ninja_prefix,
)
from worklens_wire.v1 import UploadBatch

log = logging.getLogger(__name__)


class WorkLensApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Adds UploadBatch (and the models it uses) to the published components: the batch
        view parses its body itself, so Ninja does not know about the model."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        batch_schema = UploadBatch.model_json_schema(ref_template="#/components/schemas/{model}")
        definitions = batch_schema.pop("$defs", {})
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(definitions)
        components["UploadBatch"] = batch_schema
        return schema


api = WorkLensApi(
    title="WorkLens API",
    version="1",
    description='Agent API, contract v1 (worklens_wire.v1). Errors are {"detail": "..."}.',
    docs_url="/docs",
    urls_namespace="api-v1",
)
api.add_router("/", ingest_router)


def _detail(request: HttpRequest, detail: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


def _sent_contract_version(request: HttpRequest) -> object:
    """The contract_version a JSON body claims (Ninja's errors do not carry the input)."""
    try:
        body = json.loads(request.body)
    except (ValueError, RawPostDataException):
        return None
    return body.get("contract_version") if isinstance(body, dict) else None


@api.exception_handler(ApiProblem)
def on_api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return _detail(request, exc.detail, exc.status)


@api.exception_handler(UploadRefused)
def on_upload_refused(request: HttpRequest, exc: UploadRefused) -> HttpResponse:
    problem = problem_from_refusal(exc)
    return _detail(request, problem.detail, problem.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{**error, "loc": strip_ninja_prefix(error.get("loc", ()))} for error in exc.errors]
    problem = problem_from_errors(errors, sent_version=_sent_contract_version(request))
    return _detail(request, problem.detail, problem.status)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _detail(request, "device token is missing or not valid", 401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _detail(request, str(exc), exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) or "not found", 404)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled error in %s %s", request.method, request.path)
    return _detail(request, "internal server error; the server log has the details", 500)
