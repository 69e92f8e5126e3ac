"""A connector that broke, told apart from one that refused an order.

A connector that refuses an order on purpose says why in its own words: an exception of its
own (`CannotMap: SKU ... has no item`), a message on stderr, an HTTP answer. A connector that
broke says what its runtime says when code fails: a Python or JavaScript error, PHP's fatal
error, a command the shell cannot find, a signal, a timeout. Such a failure is no answer about
the order, so no category of the order may be read into it (`item-mapping` because a
traceback named `item_id`), and no scenario's expectation met by it.

Two kinds. Code that cannot run at all (a `NameError`, a missing module, exit 127, a timeout)
broke whatever the order held. An error that data can cause (a `KeyError`, a `TypeError` on
`None`, an uncaught PHP error) is how a store's code often meets a value it has no map for:
`SHIP_ITEMS[method]` for an unmapped method. When the order cannot map as it is (the
expectation knows why), such an error is that cause showing; otherwise it is a crash.

The drivers word a failure as `raised NameError: ... (at f.py:3 in push)` (a Python function
or a connector fixture), `exited 1; stderr: ...`, `did not run: ...` or `was killed after
5 s (timeout)` (a command), `answered HTTP 500: ...` or `could not be reached: ...` (a
webhook); these patterns read them.
"""

from __future__ import annotations

import re

# Python's errors for code that cannot run as written (docs.python.org/3/library/
# exceptions.html), and JavaScript's for a name nothing defines (MDN, ReferenceError).
_CODE_ERRORS = (
    "NameError",
    "UnboundLocalError",
    "SyntaxError",
    "IndentationError",
    "TabError",
    "ImportError",
    "ModuleNotFoundError",
    "RecursionError",
    "NotImplementedError",
    "AssertionError",
    "ReferenceError",
)
# Errors a value can cause: Python's for a missing key or index, an operation on the wrong
# type (`None["id"]`), a division by zero, text that is not UTF-8; JavaScript's TypeError
# (`undefined.id`) and RangeError.
_DATA_ERRORS = (
    "KeyError",
    "IndexError",
    "TypeError",
    "AttributeError",
    "ZeroDivisionError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "RangeError",
)


def _named(names: tuple[str, ...]) -> re.Pattern[str]:
    """An error type by its bare name (`KeyError: 'sku'`, `builtins.KeyError`), not a class
    of the connector's own that ends the same (`__main__.KeyError`, `MyKeyError`)."""
    return re.compile(r"(?<![\w.])(?:builtins\.)?(" + "|".join(names) + r")(?=:|\s|$)")


# The shell: 126 found but cannot run, 127 not found (GNU Bash manual, Exit Status); a
# negative code is the signal that ended the process (subprocess.Popen.returncode), and a
# shell reports one as 128 + the signal: 134 SIGABRT, 137 SIGKILL, 139 SIGSEGV.
_CODE = (
    _named(_CODE_ERRORS),
    re.compile(r"\bexited (?:-\d+|126|127|134|137|139)\b"),
    re.compile(r"\bdid not run: |\bwas killed after \S+ s \(timeout\)|command not found"),
    re.compile(r"\bcould not be reached: "),  # a webhook's receiver: down, or no answer
    re.compile(r"PHP Parse error"),
)
_DATA = (
    _named(_DATA_ERRORS),
    # PHP's uncaught errors (php.net, Errors in PHP 7), and a web framework's bare answer
    # to an exception nobody caught (INFERRED: Flask, Django, Express and PHP answer so).
    re.compile(r"PHP Fatal error|Uncaught (?:\w+\\)*\w*Error\b"),
    re.compile(r"\banswered HTTP 500(?: \(empty body\)|: Internal Server Error\W*$)"),
)


def crash(said: str, *, order_can_map: bool) -> str | None:
    """What shows the connector broke rather than refused (`NameError`, `exited 127`); None
    when `said` reads as an answer. `order_can_map`: the expectation knows of nothing that
    keeps the order from mapping, so an error data can cause is a crash too."""
    for pattern in _CODE + (_DATA if order_can_map else ()):
        found = pattern.search(said)
        if found is not None:
            return found.group(found.lastindex or 0).strip(" :")
    return None
