"""The sandbox's record store: SuiteQL-shaped SQLite schema, record types, records, seeding.
May import only `harness.netsuite`, the account profile (`harness.sandbox.account`) and itself."""
