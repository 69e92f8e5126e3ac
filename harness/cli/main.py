"""The `harness` command group: every verb, each in its own module (see docs/cli.md)."""

from __future__ import annotations

import click

from harness import __version__
from harness.cli.cassettes import cassettes
from harness.cli.doctor import doctor
from harness.cli.errors import HarnessGroup
from harness.cli.explain import explain
from harness.cli.init import init
from harness.cli.land import land
from harness.cli.reconcile import reconcile
from harness.cli.run import run
from harness.cli.sandbox import sandbox
from harness.cli.woo import woo
from harness.netsuite import logfilter
from harness.netsuite.redact import register_environment


@click.group(cls=HarnessGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harness")
def main() -> None:
    """Prove WooCommerce orders land in NetSuite as correct Sales Orders."""
    register_environment()  # the NETSUITE_* credentials are masked in every output
    logfilter.install()  # and in every log record, whichever library logs it


for verb in (run, land, explain, reconcile, doctor, cassettes, sandbox, woo):
    main.add_command(verb)
main.add_command(init)
