"""Which scenarios a test uses: `@pytest.mark.scenario(...)`, parametrization, and shards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from harness.pytest_support.options import Shard

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue

T = TypeVar("T")

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


def parametrized_by_user(parametrize_markers: Iterable[Any]) -> bool:
    """Whether the test already parametrizes `scenario` itself (then the plugin does not)."""
    for mark in parametrize_markers:
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        listed = names.split(",") if isinstance(names, str) else list(names)
        if "scenario" in (name.strip() for name in listed):
            return True
    return False


def scenario_parameters(
    marker: Any | None, wants_scenario: bool, catalogue: Callable[[], Catalogue], where: str
) -> list[str] | None:
    """The names to parametrize `scenario` over (None: leave the test alone).

    The marker is checked even when the test only uses `woo_order`/`land`, so a typo fails
    at collection instead of in the middle of a run."""
    if marker is None and not wants_scenario:
        return None
    loaded = catalogue()
    names = marker_names(marker.args, dict(marker.kwargs), where) if marker else None
    if names:
        check_names(names, loaded, where)
    if not wants_scenario:
        return None
    return list(names or loaded.names)


def scenario_of(item: Any) -> str | None:
    """The scenario name a collected test was parametrized with, if any."""
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("scenario") if callspec is not None else None
    return getattr(value, "name", value) if value is not None else None


def split_shard(items: Sequence[T], shard: Shard) -> tuple[list[T], list[T]]:
    """(kept, deselected): scenario-parametrized tests outside `shard` are deselected; tests
    without a scenario run in every shard."""
    keep: list[T] = []
    drop: list[T] = []
    for item in items:
        name = scenario_of(item)
        (drop if isinstance(name, str) and not shard.holds(name) else keep).append(item)
    return keep, drop
