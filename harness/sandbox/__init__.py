"""The embedded NetSuite: a faithful, stateful SuiteTalk REST simulator."""
