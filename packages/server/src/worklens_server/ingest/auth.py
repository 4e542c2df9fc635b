"""Device bearer-token authentication for the agent API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from worklens_server.devices.selectors import AuthenticatedDevice, find_device_by_token
from worklens_server.ingest.problems import ApiProblem


class DeviceTokenAuth(HttpBearer):
    """`Authorization: Bearer <device token>`; the token is looked up by its SHA-256 hash.
    Every refusal is a 401 whose message says what is wrong with the credentials."""

    def __call__(self, request: HttpRequest) -> AuthenticatedDevice:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise ApiProblem(401, "Authorization header is missing; send 'Bearer <device token>'")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiProblem(401, "Authorization header must be 'Bearer <device token>'")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> AuthenticatedDevice:
        device = find_device_by_token(token=token)
        if device is None:
            raise ApiProblem(401, "device token is not valid")
        if device.revoked_at is not None:
            raise ApiProblem(401, "device token was revoked")
        return device


device_auth = DeviceTokenAuth()
