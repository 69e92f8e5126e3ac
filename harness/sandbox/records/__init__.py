"""The REST record service: verbs and collections, rendering records, applying request bodies.
May import only harness.netsuite, the profile, store, rules, resterror and itself."""
