"""The sandbox's TBA base string is oauthlib's, for any request a client can sign."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1.rfc5849 import signature as rfc5849

from harness.sandbox.oauth1 import base_string

# Names and values as clients send them: any text, including what must be percent-encoded
# (spaces, `%`, `=`, `&`, `+`, `~`, non-ASCII).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24
)
OAUTH = st.fixed_dictionaries(
    {
        "oauth_consumer_key": TEXT,
        "oauth_token": TEXT,
        "oauth_nonce": TEXT,
        "oauth_timestamp": st.integers(0, 2**40).map(str),
        "oauth_signature_method": st.just("HMAC-SHA256"),
        "oauth_version": st.just("1.0"),
    }
)
PATH = st.text(st.sampled_from("abcXYZ019-._~%:@!$'()*+,;/"), max_size=30)
QUERY = st.lists(st.tuples(TEXT, TEXT), max_size=4)


@given(method=st.sampled_from(["GET", "post", "PATCH"]), path=PATH, query=QUERY, oauth=OAUTH)
def test_the_base_string_is_oauthlibs(
    method: str, path: str, query: list[tuple[str, str]], oauth: dict[str, str]
) -> None:
    url = f"https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/{path}"
    if query:
        url += "?" + urlencode(query)
    sent = {**oauth, "oauth_signature": "c2lnbmF0dXJl", "realm": "1234567_SB1"}
    params = [*query, *oauth.items()]
    expected = rfc5849.signature_base_string(
        method, rfc5849.base_string_uri(url), rfc5849.normalize_parameters(params)
    )
    assert base_string(method, url, sent) == expected
