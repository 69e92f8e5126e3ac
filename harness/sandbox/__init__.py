"""The embedded NetSuite: SuiteTalk REST over SQLite, with SuiteQL, rules, auth and faults.
May import only harness.netsuite, harness.money, harness.yamlfile, harness.data and itself."""
