"""Log records redacted as they are made, whoever logs them and whichever handler prints them.

At DEBUG, `oauthlib`, `requests-oauthlib` and `urllib3` log whole `Authorization` headers,
OAuth base strings, signatures and the request URLs a connector sent. A filter on the root
logger does not see those records (a logger's filters apply only to records logged through
that very logger, not to records propagated from its children), and the handlers pytest adds
for `caplog`, report sections, live logging and `--log-file` come and go with every test
phase. So the redaction sits in the log record factory: every record made in the process is
redacted once, before any filter or handler sees it; its message is formatted then and its
arguments dropped, its traceback text redacted.

`RedactingFilter` does the same to a record as a handler-level filter, for handlers that
receive records made elsewhere (`logging.makeLogRecord` bypasses the factory).

Out of scope: `http.client`'s `debuglevel`, which prints straight to stdout, not through
logging.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from harness.netsuite.redact import Redactor

_REDACTED = "_harness_redacted"
_lock = threading.Lock()
_installed: _RedactingFactory | None = None


def redact_record(record: logging.LogRecord, redactor: Redactor) -> logging.LogRecord:
    """`record` with its message, traceback and stack text redacted (once; in place)."""
    if getattr(record, _REDACTED, False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: show its parts, redacted all the same
        message = f"{record.msg!r} % {record.args!r}"
    record.msg = redactor.text(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        redacted = redactor.text(record.exc_text)
        if redacted != record.exc_text:
            # The exception object still holds the secret: formatters that render
            # `exc_info` themselves get only the redacted text.
            record.exc_info = None
        record.exc_text = redacted
    if record.stack_info:
        record.stack_info = redactor.text(record.stack_info)
    setattr(record, _REDACTED, True)
    return record


class RedactingFilter(logging.Filter):
    """A handler filter that redacts every record it passes (and drops none)."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record, self.redactor)
        return True


class _RedactingFactory:
    """The log record factory in place while redaction is installed: the previous factory's
    record, redacted."""

    def __init__(self, previous: Callable[..., logging.LogRecord], redactor: Redactor) -> None:
        self.previous = previous
        self.redactor = redactor

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.previous(*args, **kwargs), self.redactor)


def install(redactor: Redactor | None = None) -> None:
    """Redact every log record of this process from now on (idempotent).

    The root logger's current handlers also get a `RedactingFilter`, for records that do not
    come from the factory."""
    global _installed
    with _lock:
        if _installed is not None and logging.getLogRecordFactory() is _installed:
            return
        factory = _RedactingFactory(logging.getLogRecordFactory(), redactor or Redactor())
        logging.setLogRecordFactory(factory)
        _installed = factory
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter(factory.redactor))


def uninstall() -> None:
    """Put the previous record factory back (if nothing replaced ours since)."""
    global _installed
    with _lock:
        if _installed is not None and logging.getLogRecordFactory() is _installed:
            logging.setLogRecordFactory(_installed.previous)
        _installed = None
        for handler in logging.getLogger().handlers:
            for found in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(found)


def installed() -> bool:
    return _installed is not None and logging.getLogRecordFactory() is _installed


@contextmanager
def redacting_logs(redactor: Redactor | None = None) -> Iterator[None]:
    """Redaction installed for a block (left as it was found afterwards)."""
    was_installed = installed()
    install(redactor)
    try:
        yield
    finally:
        if not was_installed:
            uninstall()
