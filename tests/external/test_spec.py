"""`connector_from_spec`: spec strings, options checked at once, the NETSUITE_* hand-over."""

from __future__ import annotations

import pytest

from harness.connector.external import (
    DriverFactory,
    ExternalConnector,
    ExternalConnectorError,
    LandingQueryError,
    connector_from_spec,
    netsuite_environment,
)
from harness.mapping import Mapping
from harness.netsuite.client import NetSuiteClient
from harness.targets.sim import SimTarget


@pytest.mark.parametrize("spec", ["ftp:somewhere", "webhook:", "nothing", "reference"])
def test_an_unknown_or_empty_spec_lists_the_forms(spec: str) -> None:
    with pytest.raises(ExternalConnectorError, match=r"webhook:URL, command:.*store:URL"):
        connector_from_spec(spec)


def test_an_option_that_does_not_apply_is_named() -> None:
    with pytest.raises(ExternalConnectorError, match="option 'secret' does not apply to a "
                                                     "command connector"):
        connector_from_spec("command:true", secret="x")


def test_a_webhook_needs_its_secret() -> None:
    with pytest.raises(ExternalConnectorError, match="webhook secret"):
        connector_from_spec("webhook:http://127.0.0.1:9/hook")


def test_a_webhook_url_must_be_http() -> None:
    with pytest.raises(ExternalConnectorError, match="not an http"):
        connector_from_spec("webhook:mailto:shop@example.com", secret="s")


def test_a_bad_landing_query_fails_when_the_factory_is_made() -> None:
    with pytest.raises(LandingQueryError, match="unknown"):
        connector_from_spec("command:true", landing_query="SELECT id WHERE x = {nope}")


def test_the_kind_is_case_insensitive_and_the_rest_is_kept_verbatim() -> None:
    factory = connector_from_spec("Command:  echo 'a b'  ", timeout=0)
    assert isinstance(factory, DriverFactory) and "echo" in repr(factory)


def test_each_call_makes_a_connector_and_close_tears_them_all_down(
    target: SimTarget, mapping: Mapping
) -> None:
    factory = connector_from_spec("command:true", timeout=0)
    first, second = factory(target.client(), mapping), factory(target.client(), mapping)
    assert first is not second and factory.connectors == [first, second]
    assert isinstance(first, ExternalConnector) and first.name == "command:true"
    factory.close()
    assert factory.connectors == []


def test_teardown_problems_are_collected_not_lost(target: SimTarget, mapping: Mapping) -> None:
    factory = connector_from_spec("command:true", timeout=0)
    broken = factory(target.client(), mapping)
    closed: list[str] = []

    def fail() -> None:
        raise OSError("disk gone")

    broken.close = fail  # type: ignore[method-assign]
    other = factory(target.client(), mapping)
    other.close = lambda: closed.append("other")  # type: ignore[method-assign]
    with pytest.raises(ExternalConnectorError, match=r"teardown failed: .*OSError: disk gone"):
        factory.close()
    assert closed == ["other"]


def test_the_environment_hands_over_the_clients_token(target: SimTarget) -> None:
    credential = next(c for c in target.sandbox.profile.credentials.tba
                      if c.name == "woo-integration")
    env = netsuite_environment(target.client("woo-integration"), "http://127.0.0.1:5555")
    assert env == {
        "NETSUITE_ACCOUNT": target.sandbox.account_id,
        "NETSUITE_CONSUMER_KEY": credential.consumerKey,
        "NETSUITE_CONSUMER_SECRET": credential.consumerSecret,
        "NETSUITE_TOKEN_ID": credential.tokenId,
        "NETSUITE_TOKEN_SECRET": credential.tokenSecret,
        "NETSUITE_BASE_URL": "http://127.0.0.1:5555",
    }


def test_without_a_token_the_callers_environment_is_used() -> None:
    client = NetSuiteClient("https://1234567-sb1.suitetalk.api.netsuite.com", None)
    env = netsuite_environment(client, environ={"NETSUITE_ACCOUNT": "1234567_SB1",
                                                "NETSUITE_CLIENT_ID": "abc", "HOME": "/x"})
    assert env == {"NETSUITE_ACCOUNT": "1234567_SB1", "NETSUITE_CLIENT_ID": "abc",
                   "NETSUITE_BASE_URL": "https://1234567-sb1.suitetalk.api.netsuite.com"}
    with pytest.raises(ExternalConnectorError, match="NETSUITE_ACCOUNT is not set"):
        netsuite_environment(client, environ={})
