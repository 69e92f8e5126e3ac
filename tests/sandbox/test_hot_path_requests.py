"""Per-request shortcuts of the sandbox's front door (the TBA check, the query string)
answer what the general code they replace answers, for any input."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1.rfc5849.signature import collect_parameters
from oauthlib.oauth1.rfc5849.utils import escape

from harness.sandbox.app import query_params
from harness.sandbox.oauth1 import _form_pairs, percent_encode

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


@pytest.mark.parametrize(
    "query",
    [
        "",
        "limit=1000&offset=0",
        "expandSubResources=true",
        "q=email START_WITH \"a+b@x.test\"&limit=5",
        "a=1&a=2&b=&c",
        "x=%E9%20~&y=%ZZ",
        "fields=firstName,lastName;x=1",
        "z=" + "9" * 600,  # past the cached length
    ],
)
def test_query_parameters_are_parse_qsl_s_and_a_dict_of_each_request_s_own(query: str) -> None:
    first = query_params(query)
    assert first == dict(parse_qsl(query, keep_blank_values=True))
    first["limit"] = "changed"
    assert query_params(query) == dict(parse_qsl(query, keep_blank_values=True))


def test_a_url_without_a_query_signs_as_oauthlib_collects_its_parameters() -> None:
    assert _form_pairs("") == tuple(collect_parameters(uri_query="")) == ()
