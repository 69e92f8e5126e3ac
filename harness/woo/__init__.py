"""WooCommerce only: order model and arithmetic, generated orders, webhooks, the store client.
May import only `harness.woo.*`, `harness.yamlfile` and `harness.money`."""
