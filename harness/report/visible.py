"""Text from outside made harmless for a terminal: the one place it is escaped.

An order's SKU, a customer note, a connector's log line or a NetSuite error message can hold
control characters: `ESC[2J` clears the screen, `ESC]8;;...` plants a link, a carriage return
overwrites what came before, U+202E reverses what follows. Every such character is shown as
its escape text (`\\x1b`, `\\r`, `\\u202e`), never sent to the terminal as itself; and text
printed with rich is markup-escaped too, so a SKU `[red]` is shown, not applied.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported when something is printed, not to compute a string
    from rich.console import Console

# C0 controls but newline and tab, DEL, C1 controls (0x9b is CSI on its own), the
# bidirectional overrides and isolates, and the Unicode line/paragraph separators.
_CONTROLS = (
    r"\x00-\x08\x0b-\x1f\x7f-\x9f"
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    r"\u2028\u2029"
)
_CONTROL = re.compile(f"[{_CONTROLS}]")
# Inside one value (a field, a line), newline and tab are shown too: they would break a row.
_CONTROL_IN_VALUE = re.compile(f"[\\t\\n{_CONTROLS}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object, *, lines: bool = False) -> str:
    """`text` with every control character shown as its escape text.

    `lines=True` keeps newlines and tabs (a multi-line message); otherwise they are shown
    too (one value that must stay on its line)."""
    pattern = _CONTROL if lines else _CONTROL_IN_VALUE
    return pattern.sub(_shown, str(text))


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """`document` as JSON for a terminal: non-ASCII text kept readable, but every character
    `visible` would show escaped as `\\uXXXX` (still the same JSON)."""
    import json

    text = json.dumps(document, indent=indent, ensure_ascii=False)
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def markup(text: object, *, lines: bool = False) -> str:
    """`text` ready to sit inside rich markup: control characters shown, `[` escaped
    (`lines=True` keeps newlines and tabs, as in `visible`)."""
    from rich.markup import escape

    return escape(visible(text, lines=lines))


@cache
def _console_class() -> type[Console]:
    from rich.console import Console
    from rich.text import Text

    class TerminalConsole(Console):
        """A rich Console that cannot be made to execute text: emoji codes off, and every
        string it renders passes through `visible` (markup still applies: values go in
        through `markup`)."""

        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("emoji", False)
            super().__init__(**kwargs)

        def render_str(self, text: str, **kwargs: Any) -> Text:
            return super().render_str(visible(text, lines=True), **kwargs)

    return TerminalConsole


def terminal_console(**kwargs: Any) -> Console:
    """The console every command prints through (a `TerminalConsole`)."""
    return _console_class()(**kwargs)
