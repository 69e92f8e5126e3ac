"""Log records are redacted as they are made: whichever library logs, whichever handler
prints (pytest's caplog, report sections, live logging, --log-file)."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import pytest
from redaction_helpers import Search, random_secret

from harness.netsuite import logfilter
from harness.netsuite.redact import MASK, Redactor, register_secret

pytest_plugins = ["pytester"]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def root_lines() -> Iterator[Lines]:
    """A handler on the root logger, as pytest and `logging.basicConfig` add them."""
    handler = Lines()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def fresh_factory() -> Iterator[None]:
    """The record factory as it was before redaction, restored afterwards."""
    was = logfilter.installed()
    logfilter.uninstall()
    yield
    if was:
        logfilter.install()


HEADER = "OAuth realm=\"1234567_SB1\", oauth_nonce=\"55512345678\", oauth_signature=\"c2ln%3D\""


def test_a_root_logger_filter_misses_records_of_child_loggers(
    root_lines: Lines, fresh_factory: None
) -> None:
    """Why the redaction is not a root-logger filter: propagated records skip it."""
    root = logging.getLogger()
    redacting = logfilter.RedactingFilter(Redactor(shared=None))
    root.addFilter(redacting)
    try:
        logging.getLogger("requests_oauthlib.oauth1_auth").debug("Authorization: %s", HEADER)
    finally:
        root.removeFilter(redacting)
    assert "55512345678" in root_lines.lines[-1]


def test_installed_redaction_masks_child_loggers_arguments_and_tracebacks(
    root_lines: Lines, fresh_factory: None
) -> None:
    secret = random_secret(random.Random(5))
    register_secret(secret)
    logfilter.install()

    log = logging.getLogger("urllib3.connectionpool")
    log.debug('http://127.0.0.1:8080 "GET /x?q=%s HTTP/1.1" 200 12', secret)
    logging.getLogger("requests_oauthlib.oauth1_auth").debug("Updated headers: %s",
                                                            {"Authorization": HEADER.encode()})
    try:
        raise RuntimeError(f"login refused for {secret}")
    except RuntimeError:
        logging.getLogger("connector").exception("push failed")

    text = "\n".join(root_lines.lines)
    assert "55512345678" not in text and "c2ln" not in text
    search = Search({"secret": secret})
    search.text(text, "log")
    assert search.hits == []
    assert text.count(MASK) >= 4 and "login refused for ***" in text
    assert 'realm="1234567_SB1"' in text


def test_uninstall_puts_the_previous_factory_back(fresh_factory: None) -> None:
    before = logging.getLogRecordFactory()
    with logfilter.redacting_logs():
        assert logging.getLogRecordFactory() is not before
    assert logging.getLogRecordFactory() is before


INNER = """
import logging

def test_logs(caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("requests_oauthlib.oauth1_auth").debug(
        "Updated headers: %s", {"Authorization": HEADER.encode()})
    logging.getLogger("oauthlib.oauth1.rfc5849").debug("Signature: {}".format(SIGNATURE))
    logging.getLogger("urllib3.connectionpool").debug(
        'http://127.0.0.1 "GET /x?consumer=%s HTTP/1.1" 200 2', KEY)
    logging.getLogger("connector").warning("token %s / %s", TOKEN, KEY.upper())
    assert KEY not in caplog.text and TOKEN not in caplog.text
    assert NONCE not in caplog.text
    assert all(record.args is None for record in caplog.records)
    assert False, "fails so that pytest shows the captured log"
"""


def test_pytest_debug_logs_in_every_output_keep_no_credential(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--log-level=DEBUG: the failure's captured log, live logging and --log-file."""
    rng = random.Random(9)
    key, token = random_secret(rng), random_secret(rng)
    monkeypatch.setenv("NETSUITE_CONSUMER_KEY", key)  # the plugin registers NETSUITE_* values
    monkeypatch.setenv("NETSUITE_TOKEN_ID", token)
    pytester.makepyfile(
        f"HEADER = {HEADER!r}\nKEY = {key!r}\nTOKEN = {token!r}\nNONCE = '55512345678'\n"
        "SIGNATURE = 'c2lnbmF0dXJlLWZyb20tb2F1dGg='\n"
        + INNER
    )
    # A fresh process: what redacts is what the plugin installs, nothing this run set up.
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--log-level=DEBUG", "-o", "log_cli=true",
        "--log-cli-level=DEBUG", "--log-file=debug.log", "--log-file-level=DEBUG", "-rA",
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "fails so that pytest shows the captured log" in output  # the inner asserts passed
    assert "Captured log call" in output and "live log call" in output

    search = Search({"consumer key": key, "token id": token})
    search.text(output, "pytest output")
    search.file(pytester.path / "debug.log")
    assert search.hits == []
    written = output + (pytester.path / "debug.log").read_text()
    for value in ("55512345678", "c2ln", "c2lnbmF0dXJlLWZyb20tb2F1dGg"):
        assert value not in written
    assert 'realm="1234567_SB1"' in written
