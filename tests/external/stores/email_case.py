"""The store's sync looking customers up by email exactly as the buyer typed it (a cron job:
`python email_case.py < order.json`).

`Jane.Doe@Example.com` does not find `jane.doe@example.com`, so a returning customer who
types a capital gets a second customer record.
"""

from __future__ import annotations

from typing import Any

from shop_sync import OrderSync, main


class CaseSensitiveSync(OrderSync):
    def find_customer(self, email: str) -> list[dict[str, Any]]:
        quoted = "'" + email.strip().replace("'", "''") + "'"
        # BUG: compares the email as typed; NetSuite keeps it lower-cased
        return self.ns.query(f"SELECT id FROM customer WHERE email = {quoted}")

    def customer(self, order: dict[str, Any], subsidiary: str, currency: str) -> str:
        billing = order["billing"]
        found = self.find_customer(billing["email"])
        if found:
            return str(found[0]["id"])
        new = {"email": billing["email"].strip(), "subsidiary": {"id": subsidiary},
               "currency": {"id": currency}, "isPerson": True,
               "firstName": billing["first_name"], "lastName": billing["last_name"]}
        return self.ns.upsert("customer", f"woo-{billing['email'].strip()}", new)


def push(order: dict[str, Any]) -> dict[str, Any]:
    return CaseSensitiveSync().push(order)


if __name__ == "__main__":
    main(CaseSensitiveSync)
