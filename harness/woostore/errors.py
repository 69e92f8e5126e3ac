"""The errors a WooCommerce store answers with: `{"code", "message", "data": {"status"}}`.

Connectors branch on `code` and show `message`, so both are WooCommerce's own (and WordPress
core's, for the REST server's checks): read in woocommerce/woocommerce
`plugins/woocommerce/includes/rest-api/Controllers/Version3/class-wc-rest-crud-controller.php`,
`.../class-wc-rest-posts-controller.php`, `.../includes/class-wc-rest-authentication.php`, and
WordPress' `rest_validate_value_from_schema` (wp-includes/rest-api.php).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class WooError(Exception):
    """One refused request: HTTP status, WooCommerce's code and message, extra `data`."""

    def __init__(
        self, status: int, code: str, message: str, data: Mapping[str, Any] | None = None
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.data = dict(data or {})
        super().__init__(f"{status} {code}: {message}")

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status,
                                                                      **self.data}}


def no_route() -> WooError:
    """WordPress answers an unknown path, and a known path with another method, alike."""
    return WooError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_json(code: int, reason: str) -> WooError:
    """A body that is not JSON, with PHP's `json_last_error` code and message."""
    return WooError(
        400,
        "rest_invalid_json",
        "Invalid JSON body passed.",
        {"json_error_code": code, "json_error_message": reason},
    )


def invalid_params(problems: Mapping[str, tuple[str, str]]) -> WooError:
    """WordPress' `rest_invalid_param`: every bad argument, with its reason (`params`) and the
    reason's own code (`details`, WordPress 5.6 and later)."""
    return WooError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(problems)}",
        {
            "params": {name: message for name, (_, message) in problems.items()},
            "details": {
                name: {"code": code, "message": message, "data": None}
                for name, (code, message) in problems.items()
            },
        },
    )


def missing_params(names: Sequence[str]) -> WooError:
    return WooError(
        400,
        "rest_missing_callback_param",
        f"Missing parameter(s): {', '.join(names)}",
        {"params": list(names)},
    )


def invalid_id(kind: str, *, status: int = 404, message: str = "Invalid ID.") -> WooError:
    """`woocommerce_rest_<post type>_invalid_id` (404 on read and delete, 400 on update)."""
    return WooError(status, f"woocommerce_rest_{kind}_invalid_id", message)


# What an anonymous caller (no key, or a key WooCommerce ignored) is refused with, per verb
# (`*_permissions_check` of the posts and CRUD controllers); 401 as nobody is logged in.
_REFUSALS = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "read": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
    "batch": (
        "woocommerce_rest_cannot_batch",
        "Sorry, you are not allowed to batch manipulate this resource.",
    ),
}


def not_allowed(action: str) -> WooError:
    code, message = _REFUSALS[action]
    return WooError(401, code, message)


def auth_error(message: str) -> WooError:
    return WooError(401, "woocommerce_rest_authentication_error", message)
