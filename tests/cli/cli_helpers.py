"""Paths the `harness` command's tests share."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
# Real example payloads from WooCommerce's published REST API documentation.
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "woocommerce"


def record_scenarios(cassettes: Path, names: list[str]) -> dict[str, str]:
    """Record catalogue scenarios against the demo account served over HTTP; returns the
    NETSUITE_* settings used (their secrets are what the recording must have scrubbed)."""
    from harness.runner import RunConfig, run_on_account
    from harness.sandbox.serve import Sandbox
    from harness.targets.account import prepare_account
    from harness.targets.settings import CLI_SPELLING, TargetSettings

    box = Sandbox()
    server = box.serve_http()
    try:
        env = box.client_environment(server.url)
        settings = TargetSettings(kind="record", cassettes=cassettes)
        account = prepare_account(settings, CLI_SPELLING, env)
        results = run_on_account(account, RunConfig(), names)
    finally:
        server.stop()
        box.close()
    assert all(result.met for result in results), [r.verdict for r in results]
    return env
