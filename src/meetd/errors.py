"""The errors services raise; each knows the HTTP status and error code it is answered with.

    ApiError
     ├── Invalid              400  a field breaks a rule (message: "<field>: <rule>")
     ├── Unauthenticated      401  credentials missing or unknown           code 10000
     ├── Forbidden            403  the token may not do this                 code 10000
     ├── NotFound             404  no such app, meeting, participant, preset
     ├── Conflict             409  sent with `x-should-retry: false`
     ├── RateLimited          429  sent with `Retry-After`                  code 971
     └── Injected             429  a fault rule's answer (code 971, `Retry-After`), or
                              5xx  as Cloudflare fails                    code = status

Services raise these and never import the web framework; `meetd.web.handlers` renders
every one of them, and the framework's own errors, as the one error body of the contract.
"""

from __future__ import annotations

import uuid

AUTH_ERROR_CODE = 10000
RATE_LIMIT_CODE = 971  # what Cloudflare's API answers a throttled client with


class ApiError(Exception):
    status: int = 500
    code: int = 500

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def headers(self) -> dict[str, str] | None:
        """Headers the answer carries besides the body."""
        return None


class Invalid(ApiError):
    status = code = 400

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field


class Unauthenticated(ApiError):
    status, code = 401, AUTH_ERROR_CODE


class Forbidden(ApiError):
    status, code = 403, AUTH_ERROR_CODE


class NotFound(ApiError):
    status = code = 404


class Conflict(ApiError):
    status = code = 409

    def headers(self) -> dict[str, str]:
        return {"x-should-retry": "false"}  # the SDKs retry a 409; a conflict stays (A3)


class RateLimited(ApiError):
    status, code = 429, RATE_LIMIT_CODE

    def __init__(self, *, limit: str, retry_after: int) -> None:
        super().__init__(
            f"Too many requests: this API token may make {limit}; retry after {retry_after} seconds"
        )
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}  # the SDKs wait this long, then retry


class Injected(ApiError):
    """What a fault rule answers instead of the operation (docs/testing.md): a 429 as
    Cloudflare's API throttles, or a 5xx as it fails."""

    def __init__(self, *, status: int, message: str, retry_after: int) -> None:
        super().__init__(message, code=RATE_LIMIT_CODE if status == 429 else status)
        self.status = status
        self.retry_after = retry_after

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)} if self.status == 429 else None


def parse_id(value: str, *, field: str) -> uuid.UUID:
    """An id from a path. One that is not a UUID names nothing here, so it is not found."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"{field}: no such id") from None
