"""An HTML page where NetSuite's JSON or XML was expected.

NetSuite's edge answers with HTML outside the web services themselves: scheduled
maintenance, outages ("An unexpected error has occurred", with an Error ID), a wrong URL or
data center, a login page. A page that names none of that and not NetSuite either is not
taken for NetSuite's.
"""

from __future__ import annotations

import html
import re

from harness.commands.explain.context import mentions_netsuite
from harness.commands.explain.findings import Occurrence
from harness.commands.explain.spot import spot
from harness.landing.classify import Cause
from harness.netsuite.redact import Redactor

_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_STATUS = re.compile(r"\b([45]\d\d)\b")
_VISIBLE = 300


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head


def visible_text(page: str) -> str:
    """The words a browser shows, in one line."""
    return " ".join(html.unescape(_TAGS.sub(" ", page)).split())


def page_occurrences(page: str, redactor: Redactor) -> list[Occurrence]:
    """One occurrence for a NetSuite page, none for any other page."""
    visible = visible_text(page)
    title_match = _TITLE.search(page)
    title = " ".join(html.unescape(title_match.group(1)).split()) if title_match else ""
    spotted = spot(visible)
    if not spotted and not mentions_netsuite(page):
        return []
    said = redactor.text(spotted[0].message if spotted else (title or visible[:_VISIBLE]))
    status = _STATUS.search(title or visible[:_VISIBLE])
    shown = f"HTML page{f' {status.group(1)}' if status else ''}: " + redactor.text(
        (title + ": " if title else "") + visible[:_VISIBLE]
    )
    cause = Cause(
        "transport",
        f"NetSuite answered with an HTML page instead of JSON or XML: {said}",
        "NetSuite serves HTML during scheduled maintenance and outages, for a wrong URL or data "
        "center, and for a login redirect: retry later, and check the host the client calls "
        "(<account id>.suitetalk.api.netsuite.com). Make creates idempotent (upsert by "
        "externalId) so that a retry never makes a second order.",
    )
    return [Occurrence(where="page", evidence=shown, cause=cause)]
