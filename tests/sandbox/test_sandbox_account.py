"""The account profile: the demo store's data, and clear file:line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
import yaml

from harness.sandbox.account import (
    DEMO_PROFILE,
    AccountProfile,
    SandboxConfigError,
    load_profile,
)


@pytest.fixture(scope="module")
def demo() -> AccountProfile:
    return load_profile(DEMO_PROFILE)


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "account.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def demo_data() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    return data


def test_demo_account_is_a_oneworld_sandbox_with_its_host(demo: AccountProfile) -> None:
    assert demo.account_id == "1234567_SB1"
    assert demo.host == "1234567-sb1.suitetalk.api.netsuite.com"
    assert demo.account.oneWorld
    assert {(s.id, s.country) for s in demo.subsidiaries} == {(1, "US"), (2, "CA")}


def test_demo_items_are_keyed_by_sku_with_their_prices(demo: AccountProfile) -> None:
    items = {item.itemId: item for item in demo.items}
    assert str(items["HOODIE-BLK-M"].basePrice) == "49.0"
    assert items["TEE-RED-S"].subsidiaries == [1]
    assert items["STICKER-PACK"].type == "nonInventorySaleItem"
    assert not items["GIFT-CARD-25"].isTaxable
    assert items["POSTER-OLD"].isInactive
    assert {s.itemId for s in demo.shipItems} == {"UPS Ground", "Free Shipping", "Will Call"}
    rates = {t.itemId: (t.rate, t.subsidiary) for t in demo.taxItems}
    assert rates["ON-HST"] == (13, 2) and str(rates["NY-NYC"][0]) == "8.875"


def test_demo_customers_include_the_shared_email(demo: AccountProfile) -> None:
    sharing = [c.entityId for c in demo.customers if c.email == "dup@example.com"]
    assert len(sharing) == 2
    exempt = next(c for c in demo.customers if c.entityId == "Northwind Traders")
    assert not exempt.taxable and not exempt.isPerson


def test_second_role_lacks_sales_order_create(demo: AccountProfile) -> None:
    full, view_only = demo.roles
    assert full.level("transactions", "Sales Order") == "full"
    assert view_only.level("transactions", "Sales Order") == "view"
    assert view_only.level("setup", "REST Web Services") == "full"
    assert full.level("lists", "Nonexistent") == "none"


def test_demo_rule_rejects_big_web_orders(demo: AccountProfile) -> None:
    (rule,) = demo.rules
    assert rule.recordType == "salesOrder" and rule.event == "beforeSubmit"
    assert rule.condition.field == "total" and rule.condition.operator == "greater"
    assert str(rule.condition.value) == "5000"
    assert "5,000.00" in rule.message


def test_demo_m2m_key_pair_matches(demo: AccountProfile) -> None:
    key_file = DEMO_PROFILE.parent / "demo-m2m-key.pem"
    assert "DEMO KEY" in key_file.read_text(encoding="utf-8")
    (client,) = demo.credentials.m2m
    token = jwt.encode({"iss": client.clientId}, key_file.read_bytes(), algorithm="ES256")
    claims = jwt.decode(token, client.publicKeyPem, algorithms=["ES256"])
    assert claims["iss"] == client.clientId


def test_demo_credentials_are_recognisably_fake(demo: AccountProfile) -> None:
    for cred in demo.credentials.tba:
        assert cred.consumerKey.startswith("feedface") and cred.tokenSecret.startswith("deadbeef")


def test_a_type_error_names_file_line_and_path(tmp_path: Path) -> None:
    data = demo_data()
    data["items"][0]["basePrice"] = "forty-nine"  # type: ignore[index]
    path = write(tmp_path, data)
    with pytest.raises(SandboxConfigError) as caught:
        load_profile(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:")
    assert "items.0.basePrice" in problem and "'forty-nine'" in problem
    line = int(problem.split(":")[1])
    assert "basePrice: forty-nine" in path.read_text().splitlines()[line - 1]


def test_an_unknown_key_is_refused(tmp_path: Path) -> None:
    data = demo_data()
    data["governance"] = {"concurrencyLimt": 3}
    with pytest.raises(SandboxConfigError, match=r"governance\.concurrencyLimt"):
        load_profile(write(tmp_path, data))


def test_a_dangling_reference_is_reported_at_its_line(tmp_path: Path) -> None:
    data = demo_data()
    data["customers"][0]["subsidiary"] = 9  # type: ignore[index]
    path = write(tmp_path, data)
    with pytest.raises(SandboxConfigError) as caught:
        load_profile(path)
    (problem,) = caught.value.problems
    assert "customers.0.subsidiary: unknown subsidiary 9" in problem
    line = int(problem.split(":")[1])
    assert "subsidiary: 9" in path.read_text().splitlines()[line - 1]


def test_ids_are_unique_across_the_item_family(tmp_path: Path) -> None:
    data = demo_data()
    data["shipItems"][0]["id"] = 101  # type: ignore[index]
    with pytest.raises(SandboxConfigError, match="item id 101 is already used in items"):
        load_profile(write(tmp_path, data))


def test_credentials_must_be_64_hex_and_keys_elliptic_and_are_never_echoed(tmp_path: Path) -> None:
    data = demo_data()
    data["credentials"]["tba"][0]["tokenSecret"] = "secret"  # type: ignore[index]
    data["credentials"]["m2m"][0]["publicKeyPem"] = "not a key"  # type: ignore[index]
    with pytest.raises(SandboxConfigError) as caught:
        load_profile(write(tmp_path, data))
    text = str(caught.value)
    assert "64 lowercase hexadecimal" in text and "not a PEM public key" in text
    assert "'secret'" not in text and "<redacted>" in text  # never echo a credential


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxConfigError, match="cannot read file"):
        load_profile(tmp_path / "missing.yaml")


def test_a_dumped_profile_loads_again_with_numeric_rule_values() -> None:
    from harness.sandbox.account import AccountProfile, as_plain, demo_profile

    profile = demo_profile()
    again = AccountProfile.model_validate(as_plain(profile))
    limits = [rule.condition for rule in again.rules if rule.name == "Web order approval limit"]
    (condition,) = limits
    assert not isinstance(condition, str)
    assert condition.value == 5000
    assert not isinstance(condition.value, str)
