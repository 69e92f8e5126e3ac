"""The NetSuite side, as any REST client sees it."""
