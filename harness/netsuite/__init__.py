"""NetSuite as any REST client sees it: auth, client, retries, errors, governance, call log.
May import only `harness.netsuite.*`, `harness.yamlfile` and `harness.money`."""
