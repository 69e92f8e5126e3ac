"""Bounds on what a store sends: JSON read within limits, and what WooCommerce itself holds.

`json.loads` recurses once per level of nesting, so a document nested 100,000 deep ends in a
`RecursionError` (or worse, deep in whatever walks the result next), and Python refuses to
turn an integer of more than 4,300 digits into an `int`. Every reader of order files, store
answers, webhook bodies and `harness explain` input goes through `read_json`, which measures
the nesting on the raw text first, in one pass that never recurses, and names the place of a
number too long to read; `JsonLimitError` says where and what the limit is.

The order model refuses values WooCommerce itself could never have written (an id past PHP's
integers, an email WordPress's is_email() refuses or no table of WooCommerce holds, a note
longer than its TEXT column); the bounds, and where they come from, are here.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 64
"""The deepest nesting of objects and lists read. INFERRED: a WooCommerce order nests about 6
deep (order > line_items > item > meta_data > entry > value) and PHP's json_encode stops at
512; 64 leaves plugin meta ample room while every reader that walks a document recursively
stays far below Python's recursion limit."""
MAX_DIGITS = 4300
"""The longest run of digits read in a number: `sys.int_info.default_max_str_digits`, past
which Python refuses to convert an integer (converting one costs time quadratic in its
length). PHP, and so WooCommerce, never writes an integer of more than 19 digits."""

# What WooCommerce's tables hold (plugins/woocommerce/src/Internal/DataStores/Orders/
# OrdersTableDataStore.php get_database_schema, and class-wc-install.php get_schema, in
# github.com/woocommerce/woocommerce): ids are BIGINT UNSIGNED read into PHP's 64-bit int,
# so no id WooCommerce writes passes PHP_INT_MAX; `billing_email` is varchar(320) in HPOS
# (wc_orders, wc_order_addresses); the customer note (wc_orders.customer_note, or
# wp_posts.post_excerpt in posts storage) and an item's name (woocommerce_order_items.
# order_item_name) are TEXT in every storage, at most 65,535 bytes.
MAX_ID = 2**63 - 1
MAX_EMAIL_CHARS = 320
TEXT_COLUMN_BYTES = 65_535
# The characters WordPress's is_email() accepts in an address's local part (formatting.php
# in github.com/WordPress/wordpress-develop); letters, marks and digits of other scripts are
# also taken, as WordPress trunk's is_email accepts "grå@grå.org" (core ticket 31992).
_LOCAL_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~.-")
_LABEL_CHARS = frozenset(string.ascii_letters + string.digits + "-")
# Control, format (zero-width, bidi overrides), surrogate, private-use, unassigned characters
# and separators: no is_email, released or trunk, lets one into an address.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_SURROGATE = re.compile("[\\ud800-\\udfff]")

# One token at a time: a whole string, a bracket, a run of digits, a quote that opens no
# complete string, or any character no JSON value has outside strings. Scanning stops at the
# last two: `json.loads` fails at or before that point, so it never gets deeper.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|\d+|"|[^\s"\[\]{}\d,:.eE+\-truefalsn]')
_OPEN = frozenset("[{")
_CLOSE = frozenset("]}")
# The quick look: on the UTF-8 bytes (where no multi-byte character holds an ASCII byte),
# digits become "1", and only quotes and brackets are kept once escapes are gone.
_DIGITS_AS_ONES = bytes(0x31 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_RUN = b"1" * (MAX_DIGITS + 1)
_NOT_MARKS = bytes(byte for byte in range(256) if byte not in b'"[]{}')
_QUOTED = re.compile(rb'"[^"]*"')
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")


class JsonLimitError(ValueError):
    """JSON past what is read: nested too deep, or a number with too many digits.

    Its text is `path: problem (got X at line L column C, expected Y)`; `path` is the value's
    place in the document (`line_items.0.quantity`, `<root>` when unknown), `lineno` and
    `colno` are 0 when the place in the text is not known."""

    def __init__(
        self,
        problem: str,
        got: str,
        expected: str,
        *,
        lineno: int = 0,
        colno: int = 0,
        path: str = "<root>",
    ) -> None:
        self.problem = problem
        self.got = got
        self.expected = expected
        self.lineno = lineno
        self.colno = colno
        self.path = path
        where = f" at line {lineno} column {colno}" if lineno else ""
        super().__init__(f"{path}: {problem} (got {got}{where}, expected {expected})")


class _LongNumber:
    """Stands in for an integer too long to convert, until its place is known."""

    __slots__ = ("digits", "index")

    def __init__(self, digits: int, index: int) -> None:
        self.digits = digits
        self.index = index


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def too_deep(max_depth: int = MAX_DEPTH, **where: Any) -> JsonLimitError:
    """The error for nesting past `max_depth`; `where` is `lineno`/`colno` or `path`."""
    got = f"more than {max_depth} levels of objects and lists"
    return JsonLimitError("nested too deep", got, f"at most {max_depth} levels", **where)


def _too_long(digits: int, **where: Any) -> JsonLimitError:
    got = f"a number of {digits:,} digits"
    expected = f"at most {MAX_DIGITS:,} digits"
    return JsonLimitError("a number too long to read", got, expected, **where)


def quick_check(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """A quick, generous look (C speed): False when `text` cannot nest past `max_depth`
    outside its strings nor hold a digit run past `MAX_DIGITS`; True sends it to `scan`."""
    raw = text.encode("utf-8", "surrogatepass")
    if _LONG_RUN in raw.translate(_DIGITS_AS_ONES):
        return True
    marks = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_MARKS)
    nesting = _QUOTED.sub(b"", marks).translate(_AS_PARENS)
    if nesting.count(b"(") <= max_depth:
        return False
    # Each pass drops the innermost pairs; what stays unmatched still counts as nesting.
    for passes in range(max_depth + 1):
        shorter = nesting.replace(b"()", b"")
        if shorter == nesting:
            return passes + nesting.count(b"(") > max_depth
        nesting = shorter
    return True


def scan(text: str, max_depth: int = MAX_DEPTH, start: int = 0) -> list[int]:
    """Measure `text` from `start` without recursing: raise `JsonLimitError` at the first
    bracket past `max_depth`; return the offsets of digit runs longer than `MAX_DIGITS`
    outside strings. (`quick_check` first saves the walk for almost every text.)

    Scanning stops where the text stops looking like JSON (an unterminated string, a stray
    character): the parser fails there before it could recurse any deeper."""
    long_numbers: list[int] = []
    depth = 0
    for found in _TOKEN.finditer(text, start):
        token = found.group()
        first = token[0]
        if first == '"':
            if len(token) == 1:
                break
        elif first in _OPEN:
            depth += 1
            if depth > max_depth:
                line, column = _position(text, found.start())
                raise too_deep(max_depth, lineno=line, colno=column)
        elif first in _CLOSE:
            depth = max(depth - 1, 0)
        elif first.isdecimal():
            if len(token) > MAX_DIGITS and _is_integer(text, found.start(), found.end()):
                long_numbers.append(found.start())
        else:
            break
    return long_numbers


def _is_integer(text: str, start: int, end: int) -> bool:
    """Whether the digits at `text[start:end]` are a whole integer literal, not a part of a
    fraction or an exponent (the parser reads only those as `int`)."""
    before = text[max(start - 2, 0) : start]
    if before[-1:] in (".", "e", "E", "+") or before in ("e-", "E-"):
        return False
    return text[end : end + 1] not in (".", "e", "E")


def read_json(
    data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, allow_nan: bool = False
) -> Any:
    """Parse JSON text (bytes: UTF-8, with or without BOM) within the limits.

    Raises `JsonLimitError` past a limit, `json.JSONDecodeError` for text that is not JSON,
    `UnicodeDecodeError` for bytes that are not UTF-8, and `ValueError` for NaN or Infinity,
    which are not JSON (`allow_nan` reads them as Python's json module writes them)."""
    text = data if isinstance(data, str) else bytes(data).decode("utf-8-sig")
    long_numbers = scan(text, max_depth) if quick_check(text, max_depth) else []
    made: list[_LongNumber] = []

    def integer(digits: str) -> int | _LongNumber:
        length = len(digits.lstrip("-"))
        if length <= MAX_DIGITS:
            try:
                return int(digits)
            except ValueError:  # a lower limit set with sys.set_int_max_str_digits
                made.append(_LongNumber(length, -1))
                return made[-1]
        made.append(_LongNumber(length, sum(1 for n in made if n.index >= 0)))
        return made[-1]

    constant = float if allow_nan else reject_non_finite
    value = json.loads(text, parse_constant=constant, parse_int=integer)
    if made:
        first = made[0]
        offset = long_numbers[first.index] if 0 <= first.index < len(long_numbers) else None
        line, column = _position(text, offset) if offset is not None else (0, 0)
        path = _path_of(value, first)
        raise _too_long(first.digits, lineno=line, colno=column, path=path)
    return value


def reject_non_finite(constant: str) -> Any:
    """`json.loads(parse_constant=...)`: NaN and Infinity are not JSON, so refuse them."""
    raise ValueError(f"{constant} is not a JSON number")


def _path_of(document: Any, wanted: object) -> str:
    """The dotted place of `wanted` in `document` (`<root>` for the document itself)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if value is wanted:
            return ".".join(str(part) for part in path) or "<root>"
        if isinstance(value, Mapping):
            stack.extend((item, (*path, key)) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
    return "<root>"


def _is_email(value: str) -> bool:
    """WordPress's is_email() rules: `local@domain`, the local part of its characters, the
    domain of two or more dot-separated labels that neither start nor end with a hyphen."""
    local, at, domain = value.partition("@")
    if not local or not at or not _all_in(local, _LOCAL_CHARS):
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(
        label and label[0] != "-" and label[-1] != "-" and _all_in(label, _LABEL_CHARS)
        for label in labels
    )


def _all_in(text: str, ascii_allowed: frozenset[str]) -> bool:
    """Every character of `text` is allowed: an ASCII one of `ascii_allowed`, or a letter,
    mark or digit of another script."""
    return all(
        char in ascii_allowed if char.isascii() else unicodedata.category(char)[0] in "LMN"
        for char in set(text)
    )


def text_problem(value: str) -> str | None:
    """Why no WooCommerce document holds the string `value`: an unpaired UTF-16 surrogate,
    which PHP's json_decode refuses ("Single unpaired UTF-16 surrogate") and json_encode
    never writes."""
    if value.isascii() or (found := _SURROGATE.search(value)) is None:
        return None
    where = f"U+{ord(found.group()):04X} at character {found.start() + 1:,}"
    return f"holds an unpaired UTF-16 surrogate ({where})"


def column_problem(value: str) -> str | None:
    """Why WooCommerce cannot keep `value` in a TEXT column: more than 65,535 bytes."""
    if len(value) * 4 <= TEXT_COLUMN_BYTES:
        return None
    size = len(value.encode("utf-8", "surrogatepass"))
    if size <= TEXT_COLUMN_BYTES:
        return None
    return f"{size:,} bytes, more than WooCommerce stores in it"


def email_problem(value: str) -> str | None:
    """Why WordPress's is_email() refuses `value` ("" is no email: fine); its length is
    `MAX_EMAIL_CHARS`' business."""
    refused = [c for c in set(value) if unicodedata.category(c) in _REFUSED_CATEGORIES]
    if refused:
        first = min(refused, key=value.index)
        code = ord(first)
        name = "" if 0xD800 <= code <= 0xDFFF else unicodedata.name(first, "")
        return f"not an email address: it holds U+{code:04X}{' ' + name if name else ''}"
    if value and not _is_email(value):
        return "not an email address"
    return None


def check_depth(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """`read_json`'s nesting limit for a value parsed elsewhere (a mapping given by Python
    code): `JsonLimitError` naming the first object or list nested too deep."""
    path = deepest_path(value, max_depth)
    if path is not None:
        raise too_deep(max_depth, path=path)


# What most of a parsed value is: nothing below these to look into.
_LEAVES = (str, int, float, type(None))


def _nested_past(value: Any, max_depth: int) -> bool:
    """Whether an object or list lies deeper than `max_depth`: leaves are passed over without
    a path or an ABC check, so an order of the usual size costs microseconds."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if type(node) is dict or isinstance(node, Mapping):  # a plain dict skips the ABC check
            children: Any = node.values()
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if not isinstance(child, _LEAVES))
    return False


def deepest_path(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """The place of the first object or list nested past `max_depth` in an already-parsed
    value (None when there is none), found without recursing."""
    if not _nested_past(value, max_depth):
        return None
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.items()
        elif isinstance(node, list | tuple):
            children = enumerate(node)
        else:
            continue
        if depth > max_depth:
            return ".".join(str(part) for part in path) or "<root>"
        stack.extend((child, depth + 1, (*path, key)) for key, child in children)
    return None


__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EMAIL_CHARS",
    "MAX_ID",
    "TEXT_COLUMN_BYTES",
    "JsonLimitError",
    "check_depth",
    "column_problem",
    "deepest_path",
    "email_problem",
    "quick_check",
    "read_json",
    "reject_non_finite",
    "scan",
    "text_problem",
    "too_deep",
]
