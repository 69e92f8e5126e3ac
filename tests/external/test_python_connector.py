"""A connector that is a Python function: called in-process, its requests intercepted by the
embedded sandbox, the NETSUITE_* environment set while it runs."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from external_helpers import EXAMPLE

from harness.catalogue.spec import Catalogue
from harness.connector.drivers.pyfunc import PythonConnector, load_function
from harness.connector.external import DriverFactory, ExternalConnectorError, connector_from_spec
from harness.mapping import Mapping
from harness.runner import run_scenario
from harness.targets.sim import SimTarget
from harness.woo.generate import generate
from harness.woo.order import WooOrder

PUSH_FUNCTION = f"{EXAMPLE / 'push_once.py'}:push"


def python(target: str, **options: object) -> DriverFactory:
    options = {"timeout": 0.3, "poll_interval": 0.02, **options}
    return connector_from_spec(f"python:{target}", **options)


def write_module(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))


def test_a_function_in_a_file_lands_the_order(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run_scenario(catalogue.get("two-coupons"), 0, target, mapping,
                          python(PUSH_FUNCTION))
    assert result.verdict.outcome == "landed", result.verdict
    writes = [c for c in result.calls if c["method"] == "PUT" and "eid:" in c["path"]]
    assert writes, "the function's own requests are in the call log"
    assert all(c["host"] == target.sandbox.host for c in writes)


def test_the_function_runs_with_the_netsuite_environment(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NETSUITE_BASE_URL", raising=False)
    write_module(tmp_path, "env_probe_connector", """
        import os
        seen = {}

        def push(order):
            seen.update({k: v for k, v in os.environ.items() if k.startswith("NETSUITE_")})
            return {"ok": True}
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    factory = python("env_probe_connector:push")
    push = factory(target.client(), mapping).push(generate(catalogue.get("new-customer"), 0))
    import env_probe_connector  # type: ignore[import-not-found]

    assert env_probe_connector.seen["NETSUITE_BASE_URL"] == target.sandbox.base_url
    assert env_probe_connector.seen["NETSUITE_ACCOUNT"] == target.sandbox.account_id
    assert "NETSUITE_BASE_URL" not in os.environ  # restored afterwards
    assert push.status == "not-landed" and push.said == "returned {'ok': True}"


@pytest.mark.parametrize(("annotation", "kind"),
                         [("WooOrder", WooOrder), ("str", str), ("dict", dict), ("", dict)])
def test_the_order_comes_as_the_parameter_annotation_asks(
    annotation: str, kind: type, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
    tmp_path: Path,
) -> None:
    hint = f": {annotation}" if annotation else ""
    path = tmp_path / "typed_connector.py"
    path.write_text(textwrap.dedent(f"""
        from __future__ import annotations
        from harness.woo.order import WooOrder
        received = []

        def push(order{hint}) -> None:
            received.append(order)
    """))
    factory = python(f"{path}:push", timeout=0.0)
    connector = factory(target.client(), mapping)
    assert isinstance(connector, PythonConnector)
    order = generate(catalogue.get("new-customer"), 0)
    connector.push(order)
    received = connector.function.__globals__["received"]
    assert type(received[0]) is kind
    if kind is WooOrder:
        assert received[0] == order
    elif kind is str:
        assert f'"number": "{order.number}"' in received[0]
    else:
        assert received[0] == order.to_wire()


def test_what_a_function_does_to_the_order_it_is_given_is_not_what_is_verified(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path
) -> None:
    """A function that takes a WooOrder and drops a line from it before sending: the Sales
    Order lacks a line of the store's order, whatever the function made of its copy."""
    path = tmp_path / "trimming_connector.py"
    path.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(EXAMPLE)!r})
        from push_once import push as push_json
        from harness.woo.order import WooOrder

        def push(order: WooOrder):
            order.line_items.pop()
            return push_json(order.to_wire())
    """))
    result = run_scenario(catalogue.get("multi-item"), 0, target, mapping,
                          python(f"{path}:push"))
    assert result.verdict.outcome == "landed-wrong", result.verdict
    assert any(m.field.startswith("lines") for m in result.verdict.mismatches), result.verdict


@pytest.mark.parametrize(
    ("source", "said", "named"),
    [
        ("def push(order):\n    return order['line_items'][0]['no-such-key']\n",
         "raised KeyError: 'no-such-key' (at broken_connector.py:2 in push)", "KeyError"),
        # A store developer's function that ends as their script did: its answer, not the
        # end of the run (SystemExit used to leave the whole run, with no verdict or report).
        ("import sys\n\ndef push(order):\n    sys.exit(3)\n",
         "called sys.exit(3) (at broken_connector.py:4 in push)", "sys.exit(3)"),
    ],
    ids=["raises", "calls-sys-exit"],
)
def test_a_function_that_fails_fails_the_push_with_where_it_failed(
    source: str, said: str, named: str,
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path,
) -> None:
    path = tmp_path / "broken_connector.py"
    path.write_text(source)
    factory = python(f"{path}:push")
    result = run_scenario(catalogue.get("new-customer"), 0, target, mapping, factory)
    answer = factory.answers[0]
    assert not answer.ok
    assert answer.text == said
    assert result.verdict.outcome == "rejected" and not result.met
    assert result.verdict.diagnosis is not None
    assert named in result.verdict.diagnosis.summary


def test_a_function_that_exits_0_when_done_is_judged_by_what_landed(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path
) -> None:
    path = tmp_path / "done_connector.py"
    path.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(EXAMPLE)!r})
        from push_once import push as push_once

        def push(order):
            push_once(order)
            sys.exit(0)
    """))
    factory = python(f"{path}:push")
    result = run_scenario(catalogue.get("new-customer"), 0, target, mapping, factory)
    assert factory.answers[0].ok and factory.answers[0].text.startswith("called sys.exit(0)")
    assert result.verdict.outcome == "landed" and result.met, result.verdict


def test_a_function_whose_netsuite_refuses_is_rejected_with_netsuites_error(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    result = run_scenario(catalogue.get("item-not-in-subsidiary"), 0, target, mapping,
                          python(PUSH_FUNCTION))
    assert result.met and result.verdict.outcome == "rejected", result.verdict
    connector = result.verdict.diagnosis
    assert connector is not None and "subsidiary" in connector.summary


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_colon_here", "names no function"),
        ("json:no_such_function", "has no function 'no_such_function'"),
        ("no_such_module_xyz:push", "failed to import: ModuleNotFoundError"),
        ("missing/file.py:push", "does not exist"),
    ],
)
def test_a_function_that_cannot_be_loaded_is_refused_at_once(spec: str, message: str) -> None:
    with pytest.raises(ExternalConnectorError, match=message):
        load_function(spec)


def test_a_file_that_fails_to_import_says_why(tmp_path: Path) -> None:
    path = tmp_path / "bad_import.py"
    path.write_text("raise RuntimeError('no config')\n")
    with pytest.raises(ExternalConnectorError, match="failed to import: RuntimeError: no config"):
        load_function(f"{path}:push")


def test_a_script_that_exits_as_it_is_imported_says_how_to_guard_it(tmp_path: Path) -> None:
    path = tmp_path / "sync_script.py"
    path.write_text("import sys\n\ndef push(order):\n    return None\n\nsys.exit(push({}))\n")
    with pytest.raises(ExternalConnectorError, match=r"called sys.exit\(None\) while being "
                       r"imported: .* `if __name__ == \"__main__\":`"):
        load_function(f"{path}:push")


def test_a_function_without_parameters_is_refused(
    target: SimTarget, mapping: Mapping, tmp_path: Path
) -> None:
    path = tmp_path / "no_args.py"
    path.write_text("def push():\n    return None\n")
    with pytest.raises(ExternalConnectorError, match="takes no argument"):
        python(f"{path}:push")(target.client(), mapping)


def test_what_the_function_says_is_kept_redacted(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path
) -> None:
    path = tmp_path / "chatty_connector.py"
    path.write_text("import os\n\ndef push(order):\n"
                    "    return {'token': os.environ['NETSUITE_TOKEN_SECRET']}\n")
    factory = python(f"{path}:push", timeout=0.0)
    push = factory(target.client(), mapping).push(generate(catalogue.get("new-customer"), 0))
    secret = target.sandbox.profile.credentials.tba[0].tokenSecret
    assert push.said is not None and "***" in push.said and secret not in push.said
    assert secret not in factory.answers[0].text
