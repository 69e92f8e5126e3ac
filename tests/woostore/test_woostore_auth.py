"""WooCommerce's authentication (reference woocommerce-orders.md section 8, and
`class-wc-rest-authentication.php`): Basic and query keys over HTTPS, one-legged OAuth 1.0a
over HTTP, and the refusals each way of getting it wrong meets."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1
from woostore_helpers import API, Api, error_of

from harness.woostore import ApiKey, EmbeddedStore, ManualClock
from harness.woostore.wire import Request
from harness.wsgi import LoopbackServer


def oauth(store: EmbeddedStore, *, method: str = "HMAC-SHA256", secret: str | None = None,
          key: str | None = None, where: str = "query", **extra: Any) -> OAuth1:
    """A request signer as a store's developer writes it (requests-oauthlib, one-legged)."""
    return OAuth1(
        key or store.consumer_key,
        client_secret=store.consumer_secret if secret is None else secret,
        signature_method=method,
        signature_type=where,
        **extra,
    )


def orders(served: LoopbackServer, auth: Any, **params: Any) -> requests.Response:
    return requests.get(f"{served.url}{API}/orders", params=params, auth=auth, timeout=10)


@pytest.mark.parametrize("method", ["HMAC-SHA1", "HMAC-SHA256"])
def test_oauth1_query_signing_over_http(store: EmbeddedStore, served: LoopbackServer,
                                        method: str) -> None:
    answer = orders(served, oauth(store, method=method), per_page=5, status="any",
                    modified_after="2024-06-01T00:00:00")
    assert answer.status_code == 200, answer.text
    assert answer.json() == []


def test_oauth1_in_the_authorization_header(store: EmbeddedStore, served: LoopbackServer) -> None:
    assert orders(served, oauth(store, where="auth_header"), search="a b+c").status_code == 200


@pytest.mark.parametrize(
    ("signer", "message"),
    [
        ({"secret": "cs_wrong"}, "Invalid signature - provided signature does not match."),
        ({"key": "ck_unknown"}, "Consumer key is invalid."),
        ({"method": "PLAINTEXT"}, "Invalid signature - signature method is invalid."),
        ({"timestamp": str(int(time.time()) - 16 * 60)}, "Invalid timestamp."),
    ],
)
def test_bad_oauth1_is_refused(store: EmbeddedStore, served: LoopbackServer,
                               signer: dict[str, Any], message: str) -> None:
    answer = orders(served, oauth(store, **signer))
    assert error_of(answer) == (401, "woocommerce_rest_authentication_error", message)


def test_a_nonce_is_good_once(store: EmbeddedStore, served: LoopbackServer) -> None:
    assert orders(served, oauth(store, nonce="n0nce1")).status_code == 200
    replay = orders(served, oauth(store, nonce="n0nce1"))
    assert error_of(replay)[2] == "Invalid nonce - nonce has already been used."


def test_missing_oauth_parameters_are_named(served: LoopbackServer) -> None:
    answer = requests.get(f"{served.url}{API}/orders",
                          params={"oauth_consumer_key": "ck_x", "oauth_nonce": "1"}, timeout=10)
    assert error_of(answer) == (
        401, "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method")


def test_basic_over_https(api: Api, store: EmbeddedStore) -> None:
    assert api.get("/orders").status_code == 200
    wrong = api.call("GET", "/orders", auth=(store.consumer_key, "cs_wrong"))
    assert error_of(wrong) == (401, "woocommerce_rest_authentication_error",
                               "Consumer secret is invalid.")
    # An unknown key is no user at all: the endpoint refuses an anonymous caller.
    unknown = api.call("GET", "/orders", auth=("ck_unknown", "cs_whatever"))
    assert error_of(unknown) == (401, "woocommerce_rest_cannot_view",
                                 "Sorry, you cannot list resources.")


def test_query_keys_over_https(api: Api, store: EmbeddedStore) -> None:
    answer = api.call("GET", "/orders", auth=None, params={
        "consumer_key": store.consumer_key, "consumer_secret": store.consumer_secret})
    assert answer.status_code == 200


def test_query_keys_over_http_are_ignored_as_woocommerce_ignores_them(
    store: EmbeddedStore, served: LoopbackServer
) -> None:
    answer = orders(served, None, consumer_key=store.consumer_key,
                    consumer_secret=store.consumer_secret)
    assert error_of(answer) == (401, "woocommerce_rest_cannot_view",
                                "Sorry, you cannot list resources.")


def test_basic_over_http_only_from_this_machine(store: EmbeddedStore,
                                                served: LoopbackServer) -> None:
    assert orders(served, (store.consumer_key, store.consumer_secret)).status_code == 200
    import base64

    token = base64.b64encode(f"{store.consumer_key}:{store.consumer_secret}".encode()).decode()
    remote = Request.from_url("GET", f"http://shop.example{API}/orders",
                              {"Authorization": f"Basic {token}"}, remote_addr="203.0.113.9")
    answer = store.app.handle(remote)
    assert (answer.status, answer.body["code"]) == (401, "woocommerce_rest_cannot_view")


def test_anonymous_callers_meet_each_endpoints_refusal(api: Api) -> None:
    refusals = {
        ("GET", "/orders"): ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        ("GET", "/orders/5"): ("woocommerce_rest_cannot_view",
                               "Sorry, you cannot view this resource."),
        ("PUT", "/orders/5"): ("woocommerce_rest_cannot_edit",
                               "Sorry, you are not allowed to edit this resource."),
        ("POST", "/orders"): ("woocommerce_rest_cannot_create",
                              "Sorry, you are not allowed to create resources."),
        ("POST", "/orders/batch"): ("woocommerce_rest_cannot_batch",
                                    "Sorry, you are not allowed to batch manipulate this "
                                    "resource."),
        ("DELETE", "/orders/5"): ("woocommerce_rest_cannot_delete",
                                  "Sorry, you are not allowed to delete this resource."),
    }
    for (method, path), (code, message) in refusals.items():
        answer = api.call(method, path, auth=None, json={} if method != "GET" else None)
        assert error_of(answer) == (401, code, message), (method, path)


def test_arguments_are_checked_before_the_caller(api: Api) -> None:
    """WordPress validates arguments, then asks the endpoint's permission callback."""
    answer = api.call("GET", "/orders", auth=None, params={"per_page": 500})
    assert error_of(answer)[:2] == (400, "rest_invalid_param")


def test_a_read_key_cannot_write(clock: ManualClock) -> None:
    reader = ApiKey("ck_" + "1" * 40, "cs_" + "2" * 40, permissions="read")
    store = EmbeddedStore(clock=clock, keys=[reader])
    with store.intercept():
        api = Api(store)
        assert api.get("/orders").status_code == 200
        assert error_of(api.post("/orders", {})) == (
            401, "woocommerce_rest_authentication_error",
            "The API key provided does not have write permissions.")


def test_the_secret_never_shows(store: EmbeddedStore) -> None:
    assert store.consumer_secret not in repr(store.keys[0])
    assert store.consumer_secret not in repr(store)
