"""The sandbox's save rules: sourcing, pricing, tax, totals, permissions, scripts, workflows.
May import only harness.netsuite, harness.money, the profile, store, resterror, oauth, itself."""
