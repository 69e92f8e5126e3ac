"""What one record request carries beyond its URL: who asks and how strictly to validate.

Also NetSuite's paging envelope, which record collections and SuiteQL answers share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from harness.sandbox.resterror import RestError

Mode = Literal["Error", "Warning", "Ignore"]
_MODES: dict[str, Mode] = {"error": "Error", "warning": "Warning", "ignore": "Ignore"}


@dataclass
class RequestContext:
    """Per-request settings: who asks, how strictly to validate, what to warn about."""

    base_url: str = ""  # scheme://host[:port] the client called; links are built on it
    role: str | None = None
    # NetSuite's documented defaults: unknown names warn, invalid values fail.
    name_validation: Mode = "Warning"
    value_validation: Mode = "Error"
    warnings: list[str] = field(default_factory=list)
    _read_only_warned: set[str] = field(default_factory=set, repr=False)

    @property
    def record_base(self) -> str:
        return self.base_url + "/services/rest/record/v1"

    def read_only_ignored(self, field_id: str) -> None:
        """A read-only field was sent (a total, a status, an address text): its value is
        dropped, with a warning unless property-name validation is Ignore.

        The wording is NetSuite's for setting such a field (CONFIRMED for SOAP, where it is
        an INSUFFICIENT_PERMISSION error: NetSweet/netsuite spec fixtures, salto-io's NetSuite
        adapter). That REST drops the value with a 299 warning, as for an unknown property,
        rather than refusing the request is INFERRED: clients send GET output back."""
        if self.name_validation == "Ignore" or field_id in self._read_only_warned:
            return  # one warning per field, however many lines send it
        self._read_only_warned.add(field_id)
        self.warnings.append(
            f"You do not have permissions to set a value for element {field_id} due to one of "
            "the following reasons: 1) The field is read-only; 2) An associated feature is "
            "disabled; 3) The field is available either when a record is created or updated, "
            "but not in both cases. It was ignored."
        )

    @classmethod
    def from_headers(
        cls, base_url: str, headers: dict[str, str], role: str | None = None
    ) -> RequestContext:
        """Settings from `X-NetSuite-Property{Name,Value}Validation` (header keys lowercase)."""
        ctx = cls(base_url=base_url, role=role)
        for header, attribute in (
            ("X-NetSuite-PropertyNameValidation", "name_validation"),
            ("X-NetSuite-PropertyValueValidation", "value_validation"),
        ):
            raw = headers.get(header.lower())
            if raw is None:
                continue
            mode = _MODES.get(raw.strip().lower())
            if mode is None:
                raise RestError.one(
                    400,
                    "INVALID_HEADER",
                    f"Invalid value '{raw}' for header {header}. Use Error, Warning or Ignore.",
                    header=header,
                )
            setattr(ctx, attribute, mode)
        return ctx


def page_envelope(
    href: str,
    items: list[dict[str, Any]],
    *,
    limit: int,
    offset: int,
    total: int,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """NetSuite's paging envelope: links (first/prev/next/last/self), count, hasMore, ..."""
    extra = extra or {}

    def link(rel: str, at: int) -> dict[str, str]:
        query = "&".join(
            f"{k}={quote(str(v), safe='')}"
            for k, v in {**extra, "limit": limit, "offset": at}.items()
        )
        return {"rel": rel, "href": f"{href}?{query}"}

    has_more = offset + len(items) < total
    last_offset = max(0, ((total - 1) // limit) * limit) if total else 0
    links = []
    if offset > 0:
        links.append(link("first", 0))
        links.append(link("prev", max(0, offset - limit)))
    if has_more:
        links.append(link("next", offset + limit))
        links.append(link("last", last_offset))
    links.append(link("self", offset))
    return {
        "links": links,
        "count": len(items),
        "hasMore": has_more,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }
