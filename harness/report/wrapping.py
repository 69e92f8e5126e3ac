"""Paragraphs word-wrapped for a terminal or a CI log, never breaking a word.

rich folds a word longer than the line (a URL, a file path, a JSON fragment) in its middle,
so a link copied from a CI log no longer works, and its continuation lines start at column 0,
under the indentation. Here a line breaks only at spaces, continuation lines are indented,
and a word longer than a line gets a line of its own: the terminal may fold it on screen, the
text stays whole.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

_WORD = re.compile(r"\S+")
# Narrower than this, indentation would leave too little room: lines just get longer.
_NARROWEST = 24


def break_offsets(text: str, first: int, rest: int) -> list[int]:
    """Where `text` is broken: at most `first` cells on its first line and `rest` on the
    others, at spaces only; a word wider than its line is never split."""
    offsets: list[int] = []
    line_start, width, has_word = 0, first, False
    for match in _WORD.finditer(text):
        start, end = match.span()
        if has_word and cell_len(text[line_start:end]) > width:
            offsets.append(start)
            line_start, width = start, rest
        has_word = True
    return offsets


def wrapped_lines(
    text: Text, width: int, *, indent: str = "", hang: str | None = None
) -> list[Text]:
    """`text` as lines of at most `width` cells (but for a word wider than that): the first
    line starts with `indent`, every other one, also after a newline in `text`, with `hang`
    (default: `indent` and two spaces)."""
    hang = indent + "  " if hang is None else hang
    first = max(width - cell_len(indent), _NARROWEST)
    rest = max(width - cell_len(hang), _NARROWEST)
    lines: list[Text] = []
    for number, paragraph in enumerate(text.split("\n", allow_blank=True)):
        prefix = indent if number == 0 else hang
        offsets = break_offsets(paragraph.plain, first if number == 0 else rest, rest)
        for index, piece in enumerate(paragraph.divide(offsets)):
            piece.rstrip()
            lines.append(Text(prefix if index == 0 else hang) + piece)
    return lines


def print_wrapped(
    console: Console,
    text: str | Text,
    *,
    indent: str = "",
    hang: str | None = None,
    highlight: bool = False,
) -> None:
    """Print `text` (rich markup, or a Text) word-wrapped to the console's width, see
    `wrapped_lines`. Each line is printed as it is (soft wrap): rich neither folds nor crops."""
    rendered = text if isinstance(text, Text) else console.render_str(text, highlight=highlight)
    for line in wrapped_lines(rendered, console.width, indent=indent, hang=hang):
        console.print(line, soft_wrap=True)
