"""SuiteQL for the embedded NetSuite: parsed by sqlglot, checked and run on the store's SQLite.
May import only sqlglot and itself: it reads the schema from the connection, never the store."""
