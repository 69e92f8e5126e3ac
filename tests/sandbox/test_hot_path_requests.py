"""Per-request shortcuts of the sandbox's TBA check answer what the general code they
replace answers, for any input."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1.rfc5849.utils import escape

from harness.sandbox.oauth1 import percent_encode

# Reserved characters come often, `%` and what follows it most: they are what the ASCII
# encoding replaces, in order.
_ASCII = st.lists(
    st.one_of(
        st.characters(max_codepoint=127), st.sampled_from(["%", "%2", "%25", ":", "/", " "])
    )
).map("".join)


@given(_ASCII)
def test_ascii_text_is_percent_encoded_as_oauthlib_encodes_it(value: str) -> None:
    assert percent_encode(value) == escape(value) == quote(value, safe="~")


@given(st.text())
def test_any_text_is_percent_encoded_as_oauthlib_encodes_it(value: str) -> None:
    assert percent_encode(value) == escape(value)


def test_every_ascii_character_is_encoded_on_its_own_and_among_others() -> None:
    every = "".join(chr(code) for code in range(128))
    assert percent_encode(every) == quote(every, safe="~")
    for code in range(128):
        assert percent_encode(chr(code) * 2) == quote(chr(code) * 2, safe="~")
