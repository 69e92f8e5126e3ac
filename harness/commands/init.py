"""`harness init [DIR]`: a starter project for a store, green as written.

The project holds a connector of the store's own (`store_connector.py`: plain requests, no
harness imports) handed to the pytest plugin by `conftest.py`, the catalogue as tests, a
catalogue to edit, the demo account profile and mapping to make the store's own, the plugin's
settings, a CI workflow and a README of next steps. Nothing is ever overwritten unless asked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from harness import __version__
from harness.data import data_file

VERSION_MARK = "@HARNESS_VERSION@"

ACCOUNT_HEADER = """\
# Your NetSuite account as the embedded sandbox sees it (`pytest`, `harness run --account`).
# Written by `harness init` from the harness's demo store "Acme Outfitters". To make it yours:
#   - mirror your real account: with the NETSUITE_* settings of your NetSuite *sandbox*
#     account in the environment, `harness sandbox snapshot --out account.yaml` writes its
#     subsidiaries, currencies, items, ship items, tax codes and a few customers (credentials
#     are never copied: the snapshot makes fake ones);
#   - or edit by hand: `account.id`, `subsidiaries`, `items` (itemId: your SKUs), `shipItems`,
#     `taxItems`, `customers`, and the `roles` your connector's tokens belong to with their
#     `credentials` (FAKE values, made for the embedded sandbox only).
# A scenario acting as a credential or role this file does not hold is skipped, with the
# reason. The harness's demo profile follows, comments included.

"""

MAPPING_HEADER = """\
# How your connector maps WooCommerce data to NetSuite records. Written by `harness init` from
# the harness's demo store. The harness judges every Sales Order by this file (never by your
# connector's code), so make it say what your connector does:
#   - `account`: your NetSuite account id;
#   - `subsidiaries`: which subsidiary an order goes to (by currency or billing country);
#   - `shipping.methods`: WooCommerce shipping method id -> NetSuite ship item name;
#   - `tax.codes`: WooCommerce tax rate code -> NetSuite tax code name;
#   - `discounts`, `fees`: the items coupons and fees land on;
#   - `sync.statuses`: the order statuses your connector sends;
#   - `order.external_id`, `order.other_ref_num`: what it writes into externalId and PO #
#     (that is how the harness finds the Sales Order);
#   - `order.order_status`: B if your orders land approved (Pending Fulfillment), A if they
#     wait for approval (Pending Approval); empty: not checked.
# The harness's demo mapping follows, comments included.

"""


class InitError(Exception):
    """The starter project cannot be written; the message names the file and why."""


class ProjectExistsError(InitError):
    """A starter file is there already: `harness init` never overwrites unless forced."""


@dataclass(frozen=True)
class StarterFile:
    """One file of the starter project: its path in the project (POSIX) and its text."""

    path: str
    text: str


def _template(name: str) -> str:
    return data_file("init", name).read_text(encoding="utf-8").replace(VERSION_MARK, __version__)


def starter_files() -> list[StarterFile]:
    """Every file `harness init` writes, README first."""
    account = data_file("accounts", "demo.yaml").read_text(encoding="utf-8")
    mapping = data_file("mappings", "demo.yaml").read_text(encoding="utf-8")
    return [
        StarterFile("README.md", _template("README.md.tmpl")),
        StarterFile("catalogue.yaml", _template("catalogue.yaml")),
        StarterFile("account.yaml", ACCOUNT_HEADER + account),
        StarterFile("mapping.yaml", MAPPING_HEADER + mapping),
        StarterFile("store_connector.py", _template("store_connector.py.tmpl")),
        StarterFile("conftest.py", _template("conftest.py.tmpl")),
        StarterFile("test_orders.py", _template("test_orders.py.tmpl")),
        StarterFile("pytest.ini", _template("pytest.ini.tmpl")),
        StarterFile(".github/workflows/harness.yml", _template("harness.yml.tmpl")),
    ]


def write_project(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write the starter project into `directory` (made if missing); the paths written.

    Raises ProjectExistsError naming the first starter file already there (all of them are
    checked before any is written), unless `force`; InitError when a file cannot be written."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise InitError(f"{root}: exists and is not a directory")
    files = starter_files()
    if not force:
        taken = [root / f.path for f in files if os.path.lexists(root / f.path)]
        if taken:
            raise ProjectExistsError(
                f"{taken[0]} already exists: harness init never overwrites a file "
                f"({len(taken)} of its {len(files)} files are there); use --force to replace "
                "them, or choose another directory"
            )
    written = []
    for starter in files:
        path = root / starter.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink():
                path.unlink()  # replace the link itself, never the file it points to
            path.write_text(starter.text, encoding="utf-8")
        except OSError as exc:
            raise InitError(f"{path}: cannot write it ({exc.strerror or exc})") from None
        written.append(path)
    return written
