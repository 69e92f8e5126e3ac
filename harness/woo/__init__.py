"""The WooCommerce side: orders, generation, webhooks, store client."""
