"""The example connector's mapper as a one-shot job: one WooCommerce order in, one Sales Order out.

As a command (what a cron job or a queue worker runs):

    python push_once.py [ORDER.json]        # the order JSON from the file, or from stdin

prints `{"ok": true, "salesOrder": "<id>"}` and exits 0; a mapping problem exits 2, a NetSuite
refusal exits 3 (the reason on stderr). As a Python function: `push(order_dict) -> dict`.
NetSuite credentials come from the NETSUITE_* environment at call time; bugs from
CONNECTOR_BUGS (see connector.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from connector import BUGS, CannotMap, Mapper
from ns_client import NetSuite, NetSuiteRefused

SETTINGS = Path(__file__).with_name("settings.json")


def push(order: dict[str, Any]) -> dict[str, Any]:
    """Map and upsert one order; raises CannotMap or NetSuiteRefused when it cannot."""
    settings = json.loads(SETTINGS.read_text())
    bugs = {b for b in os.environ.get("CONNECTOR_BUGS", "").split(",") if b in BUGS}
    if order.get("status") not in settings["sync_statuses"]:
        return {"ok": True, "skipped": f"status {order.get('status')} not synced"}
    if "ack-only" in bugs:
        return {"ok": True, "queued": order.get("id")}
    sales_order = Mapper(NetSuite.from_env(), settings, bugs).push(order)
    return {"ok": True, "salesOrder": sales_order}


def main(argv: list[str]) -> int:
    raw = Path(argv[0]).read_text() if argv else sys.stdin.read()
    try:
        result = push(json.loads(raw))
    except CannotMap as problem:
        print(f"cannot map the order: {problem}", file=sys.stderr)
        return 2
    except NetSuiteRefused as refused:
        print(f"NetSuite refused: {refused}", file=sys.stderr)
        return 3
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
