"""Which scenarios a run takes: pytest's own `-k` expressions over scenario names."""

from __future__ import annotations

from harness.catalogue.spec import Catalogue, ScenarioSpec


class SelectorError(ValueError):
    """A `-k` expression pytest's own parser refuses; the message says where."""


def select(catalogue: Catalogue, selector: str | None = None) -> list[ScenarioSpec]:
    """The scenarios a pytest `-k` expression selects (all of them without one): each word
    matches a scenario whose name contains it, case-insensitively, as in `pytest -k`
    (`tax`, `not role`, `tax and not exempt`, `coupon or fee`)."""
    if not selector or not selector.strip():
        return list(catalogue.scenarios)
    from _pytest.mark.expression import Expression

    try:
        expression = Expression.compile(selector)
    except SyntaxError as exc:  # what pytest's parser raises (pytest 8, 9)
        raise SelectorError(f"-k {selector!r}: {exc.msg}") from None
    return [spec for spec in catalogue.scenarios if expression.evaluate(_NameMatcher(spec.name))]


class _NameMatcher:
    """pytest's `-k` matching against one scenario name."""

    def __init__(self, name: str) -> None:
        self.name = name.lower()

    def __call__(self, word: str, /, **kwargs: str | int | bool | None) -> bool:
        return word.lower() in self.name
