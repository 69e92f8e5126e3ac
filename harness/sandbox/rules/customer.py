"""NetSuite's business rules for customers, beyond the protocol-level ones of `core.py`.

`core.py` already requires first/last name (person) or company name, the primary
subsidiary in OneWorld, defaults the currency from the subsidiary and `taxable` from the
"Customers Default to Taxable" preference; the record service refuses a second record with
the same externalId ("This entity already exists."). Added here:

- the primary subsidiary must be active ("Invalid subsidiary reference key S.");
- the customer's tax item must belong to its subsidiary's nexus
  ("Invalid taxitem reference key N for subsidiary S.", the form of `refcheck.py`);
- at most one default shipping and one default billing address in the address book;
- the primary subsidiary cannot change once a transaction names the customer: SOAP's
  CANT_MODIFY_SUB, "You cannot change the subsidiary of this entity because one or more
  transactions exist for this entity." (CONFIRMED text: Oracle help section_N3539978, SOAP
  error status codes; the rule itself: reference salesorder-semantics line 223 and the
  2022.1 Schema Browser's vendor/customer `subsidiary` note), wrapped in USER_ERROR as REST
  wraps SOAP's codes (INFERRED, reference netsuite-rest 5.3), `o:errorPath` `subsidiary`;
- with the profile's `duplicateEmailDetection` on, a second active customer with the same
  email (compared trimmed and case-insensitively) is refused like a duplicate entity,
  "This entity already exists." (INFERRED: what SOAP's DUP_ENTITY reports, wrapped in
  USER_ERROR as REST wraps it).
"""

from __future__ import annotations

from harness.sandbox.resterror import RestError, user_error
from harness.sandbox.rules import refcheck
from harness.sandbox.rules.book import SaveContext
from harness.sandbox.rules.refcheck import invalid_reference
from harness.sandbox.store.recordstore import Record


def _sent(ctx: SaveContext, record: Record, name: str) -> bool:
    """A value set on create, or sent by this edit: the values the rules check."""
    if record.values.get(name) is None:
        return False
    return ctx.operation == "create" or name in record.given


def check_customer_references(ctx: SaveContext, record: Record) -> None:
    """An active primary subsidiary and a tax item of that subsidiary."""
    values = record.values
    subsidiary = values.get("subsidiary")
    if _sent(ctx, record, "subsidiary"):
        found = ctx.lookup("subsidiary", subsidiary)
        if found is None or found["isinactive"] == "T":
            raise RestError(400, [invalid_reference("subsidiary", subsidiary, "subsidiary")])
    if _sent(ctx, record, "taxItem") or ("subsidiary" in record.given and values.get("taxItem")):
        key = values["taxItem"]
        code = refcheck.tax_code(ctx.row, key)
        sub = subsidiary if isinstance(subsidiary, int) else None
        problem = refcheck.tax_code_problem(code, key, "taxitem", "taxItem", sub)
        if problem is not None:
            raise RestError(400, [problem])


SUBSIDIARY_LOCKED = (
    "You cannot change the subsidiary of this entity because one or more transactions exist "
    "for this entity."
)


def subsidiary_locked_by_transactions(ctx: SaveContext, record: Record) -> None:
    """An edit that moves a customer with transactions to another subsidiary is refused."""
    if ctx.operation != "edit" or ctx.previous is None or "subsidiary" not in record.given:
        return
    before, after = ctx.previous.values.get("subsidiary"), record.values.get("subsidiary")
    if after == before:
        return
    # Any transaction naming the customer counts, a Sales Order too: the error's own words
    # are "transactions exist" (the Schema Browser's "has posted" is the narrower claim).
    if ctx.row('SELECT 1 FROM "transaction" WHERE entity = ? LIMIT 1', record.id) is not None:
        raise user_error(SUBSIDIARY_LOCKED, path="subsidiary")


def duplicate_email(ctx: SaveContext, record: Record) -> None:
    """Duplicate detection on email, when the account has it on."""
    if not ctx.profile.preferences.duplicateEmailDetection:
        return
    email = (record.values.get("email") or "").strip().lower()
    if not email or not (ctx.operation == "create" or "email" in record.given):
        return
    other = ctx.row(
        "SELECT id FROM customer WHERE lower(trim(email)) = ? AND isinactive = 'F' AND id IS NOT ?",
        email,
        record.id,
    )
    if other is not None:
        raise user_error("This entity already exists.")


def one_default_address_each(ctx: SaveContext, record: Record) -> None:
    """At most one default shipping and one default billing address in the address book.

    Two lines sent as the default of the same kind are refused (INFERRED answer: no source
    gives NetSuite's text). One line sent as the default takes the role from the address
    that had it, as checking the box on another address does in the UI (INFERRED)."""
    del ctx
    lines = record.lines("addressbook")
    for flag, what in (("defaultShipping", "shipping"), ("defaultBilling", "billing")):
        flagged = [index for index, line in enumerate(lines) if line.values.get(flag)]
        if len(flagged) < 2:
            continue
        sent = [index for index in flagged if flag in lines[index].given]
        if len(sent) > 1:
            raise user_error(
                f"Only one address can be the default {what} address; addressbook lines "
                f"{', '.join(str(index + 1) for index in sent)} are all marked "
                f"{flag}. Mark one of them.",
                path=f"addressbook.items[{sent[1]}].{flag}",
            )
        for index in flagged:
            if index not in sent:
                lines[index].values[flag] = False
                lines[index].given.add(flag)
