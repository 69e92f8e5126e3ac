"""Where orders land: the embedded sandbox (sim), a NetSuite account (live, record) or its
cassettes (replay), as one `Target` with settings that know nothing of pytest or the CLI, and
the cleanup of what a scenario created. May import `netsuite`, `sandbox`, `recording`,
`catalogue`, `mapping` and the YAML loader."""
