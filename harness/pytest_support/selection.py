"""Which scenarios a test uses: `@pytest.mark.scenario(...)`, parametrization, and shards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.woo.generate import Catalogue

MARKER = "scenario"
MARKER_HELP = (
    "scenario(name, ...): the catalogue scenario(s) this test's `scenario` / `woo_order` / "
    "`land` use; several names parametrize `scenario` over them"
)


class SelectionError(ValueError):
    """A scenario marker that names nothing usable; the message says what would be."""


def marker_names(args: Sequence[Any], kwargs: dict[str, Any], where: str) -> tuple[str, ...]:
    """The scenario names a marker gives, checked for shape (not yet against the catalogue)."""
    if kwargs:
        raise SelectionError(
            f"{where}: @pytest.mark.scenario takes scenario names only "
            f"(got keyword {', '.join(sorted(kwargs))})"
        )
    if not args:
        raise SelectionError(f"{where}: @pytest.mark.scenario needs at least one scenario name")
    for arg in args:
        if not isinstance(arg, str) or not arg.strip():
            raise SelectionError(
                f"{where}: @pytest.mark.scenario expects scenario names as strings (got {arg!r})"
            )
    return tuple(args)


def check_names(names: Sequence[str], catalogue: Catalogue, where: str) -> None:
    """Every name is in the catalogue; otherwise say which is not and what is close."""
    for name in names:
        try:
            catalogue.get(name)
        except KeyError as exc:
            message = exc.args[0] if exc.args else f"no scenario named {name!r}"
            raise SelectionError(f"{where}: @pytest.mark.scenario: {message}") from None
