"""`RestError`: a failure the sandbox answers in NetSuite's error shape.

Everything below the WSGI edge raises `RestError` (or lets `app.py` turn an unexpected
exception into a 500); the edge renders it with `harness.netsuite.errors.error_document`.
"""

from __future__ import annotations

from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, error_detail


class RestError(Exception):
    """An HTTP error status plus one or more `o:errorDetails` entries."""

    def __init__(
        self, status: int, details: list[dict[str, str]], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.details = details
        self.headers = headers or {}
        super().__init__(f"{status}: " + "; ".join(d["detail"] for d in details))

    @classmethod
    def one(
        cls,
        status: int,
        code: str,
        detail: str,
        *,
        path: str | None = None,
        query_param: str | None = None,
        header: str | None = None,
    ) -> RestError:
        return cls(
            status, [error_detail(detail, code, path=path, query_param=query_param, header=header)]
        )


def user_error(message: str, *, path: str | None = None, status: int = 400) -> RestError:
    """A business-rule rejection: USER_ERROR with NetSuite's "Error while accessing..." prefix."""
    return RestError.one(status, "USER_ERROR", BUSINESS_ERROR_PREFIX + message, path=path)


def invalid_field_value(value: object, field_id: str, path: str) -> dict[str, str]:
    """The detail NetSuite gives for a value a field cannot take (a bad type or reference).

    Code INVALID_CONTENT and `o:errorPath` as in Oracle's example; the wording with the
    "Error while accessing a resource." prefix and final period as in live reports.
    """
    shown = value if isinstance(value, str) else _json_text(value)
    return error_detail(
        f"{BUSINESS_ERROR_PREFIX}You have entered an Invalid Field Value {shown} "
        f"for the following field: {field_id}.",
        "INVALID_CONTENT",
        path=path,
    )


def nonexistent_record() -> RestError:
    return RestError.one(
        404,
        "NONEXISTENT_ID",
        "The record instance does not exist. Provide a valid record instance ID.",
    )


def invalid_parameter(detail: str, param: str) -> RestError:
    return RestError.one(400, "INVALID_PARAMETER", detail, query_param=param)


def _json_text(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)
