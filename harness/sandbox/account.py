"""The account profile: everything the embedded NetSuite knows about one account.

A profile is a YAML file (see `harness/data/accounts/demo.yaml`) holding the reference data
(subsidiaries, currencies, items, customers, ...), the roles and their credentials, the
preferences and the business rules of one NetSuite account. The sandbox seeds its store from
it and never re-reads it while serving, so a profile is loaded once and is immutable.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_serializer

from harness.data import data_file
from harness.netsuite.itemtypes import ItemRecordType
from harness.sandbox.accountcheck import cross_reference_problems
from harness.yamlfile import ConfigFileError, LoadedYaml, describe, dotted, load_yaml

DEMO_PROFILE = data_file("accounts", "demo.yaml")

# Production `1234567`, sandbox `1234567_SB1`, release preview `_RP`, test drive `TSTDRV123`.
_ACCOUNT_ID = re.compile(r"^(?:TSTDRV)?[0-9]+(?:_(?:SB[0-9]+|RP))?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CUSTOM_FIELD = re.compile(r"^(custbody|custcol|custentity|custitem)[a-z0-9_]+$")


class SandboxConfigError(ConfigFileError):
    """An account profile is unreadable or invalid; `problems` are `file:line: message`."""


def _hex64(value: str) -> str:
    if not _HEX64.fullmatch(value):
        raise ValueError("expected 64 lowercase hexadecimal characters")
    return value


def _ec_public_key(value: str) -> str:
    try:
        key = load_pem_public_key(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError(f"not a PEM public key ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("expected an elliptic-curve public key (ES256/ES384/ES512)")
    return value


Hex64 = Annotated[str, AfterValidator(_hex64)]
PublicKeyPem = Annotated[str, AfterValidator(_ec_public_key)]
Money = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]
Percent = Annotated[Decimal, Field(ge=-100, le=100)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
PermissionLevel = Literal["none", "view", "create", "edit", "full"]
OrderStatus = Literal["A", "B"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountInfo(_Model):
    id: Annotated[str, Field(pattern=_ACCOUNT_ID.pattern)]
    name: str
    oneWorld: bool = True
    # Which calendar day "today" is for default transaction dates.
    timeZone: str = "America/Los_Angeles"
    dateFormat: Literal["MM/DD/YYYY", "DD/MM/YYYY", "YYYY-MM-DD"] = "MM/DD/YYYY"


class Currency(_Model):
    id: int
    name: str
    symbol: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    displaySymbol: str = ""
    precision: Annotated[int, Field(ge=0, le=4)] = 2
    exchangeRate: Annotated[Decimal, Field(gt=0)] = Decimal(1)
    isBaseCurrency: bool = False
    isInactive: bool = False


class Subsidiary(_Model):
    id: int
    name: str
    country: Country
    currency: int
    parent: int | None = None
    isInactive: bool = False


class Location(_Model):
    id: int
    name: str
    subsidiary: int
    isInactive: bool = False


class Segment(_Model):
    """A department or a class: available to some subsidiaries, possibly inactive."""

    id: int
    name: str
    subsidiaries: list[int]
    isInactive: bool = False


class PriceLevel(_Model):
    id: int
    name: str
    discountPct: Percent | None = None
    isInactive: bool = False


class Term(_Model):
    id: int
    name: str
    daysUntilNetDue: Annotated[int, Field(ge=0)] = 0
    isInactive: bool = False


class Item(_Model):
    id: int
    itemId: str
    type: ItemRecordType
    displayName: str = ""
    description: str = ""
    basePrice: Money
    # Prices in other currencies (by ISO code) for the Base Price level.
    currencyPrices: dict[str, Money] = {}
    subsidiaries: list[int]
    isTaxable: bool = True
    isInactive: bool = False
    # Discount items: "Apply Before Sales Tax" (the discount reduces the taxable amount).
    applyBeforeTax: bool = False


class ShipItem(_Model):
    id: int
    itemId: str
    displayName: str = ""
    description: str = ""
    defaultCost: Money
    subsidiaries: list[int]
    isTaxable: bool = False
    isInactive: bool = False


class TaxItem(_Model):
    id: int
    itemId: str
    description: str = ""
    rate: Percent
    subsidiary: int
    country: Country
    state: str = ""
    city: str = ""
    zip: str = ""
    isExempt: bool = False
    isDefault: bool = False
    isInactive: bool = False


class TaxGroup(_Model):
    id: int
    itemId: str
    description: str = ""
    taxItems: list[int]
    subsidiary: int
    country: Country
    state: str = ""
    city: str = ""
    isDefault: bool = False
    isInactive: bool = False


class Address(_Model):
    label: str = ""
    defaultBilling: bool = False
    defaultShipping: bool = False
    addressee: str = ""
    attention: str = ""
    addr1: str = ""
    addr2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: Country
    addrPhone: str = ""


class Customer(_Model):
    id: int
    entityId: str
    isPerson: bool
    firstName: str = ""
    lastName: str = ""
    companyName: str = ""
    email: str = ""
    phone: str = ""
    subsidiary: int
    currency: int
    taxable: bool = True
    taxItem: int | None = None
    terms: int | None = None
    priceLevel: int | None = None
    externalId: str | None = None
    isInactive: bool = False
    addresses: list[Address] = []


class Permission(_Model):
    category: Literal["transactions", "lists", "setup", "reports", "custom"]
    name: str
    level: PermissionLevel


class Role(_Model):
    id: int
    name: str
    permissions: list[Permission]
    # The role's Accessible Subsidiaries; None: all of them.
    subsidiaries: list[int] | None = None

    def level(self, category: str, name: str) -> PermissionLevel:
        """The role's level for one permission (`none` when the role does not list it)."""
        for permission in self.permissions:
            if permission.category == category and permission.name.lower() == name.lower():
                return permission.level
        return "none"


class TbaCredentials(_Model):
    """An integration record's consumer pair plus one user/role access token."""

    name: str
    role: int
    consumerKey: Hex64
    consumerSecret: Hex64
    tokenId: Hex64
    tokenSecret: Hex64


class M2MClient(_Model):
    """An OAuth 2.0 client-credentials mapping: integration + certificate + role."""

    name: str
    role: int
    clientId: Hex64
    certificateId: Annotated[str, Field(min_length=8)]
    publicKeyPem: PublicKeyPem


class Credentials(_Model):
    tba: list[TbaCredentials] = []
    m2m: list[M2MClient] = []


class TaxRounding(_Model):
    method: Literal["roundOff", "roundUp", "roundDown"] = "roundOff"
    level: Literal["line", "transaction"] = "line"


class Numbering(_Model):
    prefix: str = "SO"
    nextNumber: Annotated[int, Field(ge=1)] = 1


class Preferences(_Model):
    defaultOrderStatus: OrderStatus = "A"
    makeDepartmentsMandatory: bool = False
    makeClassesMandatory: bool = False
    makeLocationsMandatory: bool = False
    allowPerLineDepartments: bool = True
    allowPerLineClasses: bool = True
    duplicateEmailDetection: bool = False
    customersDefaultToTaxable: bool = True
    taxRounding: TaxRounding = TaxRounding()
    salesOrderNumbering: Numbering = Numbering()
    customerNumbering: Numbering | None = None


class CustomField(_Model):
    id: Annotated[str, Field(pattern=_CUSTOM_FIELD.pattern)]
    label: str
    type: Literal["text", "integer", "decimal", "currency", "checkbox", "date"]
    mandatory: bool = False

    @property
    def applies_to(self) -> str:
        """`body`, `line`, `entity` or `item`, from the id's prefix as NetSuite names them."""
        prefix = _CUSTOM_FIELD.fullmatch(self.id)
        assert prefix is not None
        return {"custbody": "body", "custcol": "line", "custentity": "entity"}.get(
            prefix.group(1), "item"
        )


class Condition(_Model):
    """`<field> <operator> <value>` on the record being saved (body fields, REST names)."""

    field: str
    operator: Literal[
        "equal", "notEqual", "greater", "greaterOrEqual", "less", "lessOrEqual", "empty", "notEmpty"
    ]
    value: str | Decimal | bool | None = None

    @field_serializer("value", when_used="json")
    def _numbers_stay_numbers(self, value: str | Decimal | bool | None) -> object:
        """A dumped profile must load again with the same meaning: 5000 is not "5000"."""
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value


class Rule(_Model):
    """A user-event script or workflow that rejects a save when its condition holds.

    The condition is a `Condition` or an expression over the record's body fields, such as
    `total > 5000 and orderStatus == 'B'` (see `harness.sandbox.rules.expressions`).
    """

    name: str
    kind: Literal["userEventScript", "workflow"] = "userEventScript"
    recordType: str
    event: Literal["beforeSubmit", "afterSubmit"] = "beforeSubmit"
    operations: list[Literal["create", "edit"]] = ["create", "edit"]
    condition: Condition | str
    message: str


class WorkflowLock(_Model):
    """A workflow that locks matching records against edits."""

    name: str
    recordType: str
    condition: Condition | str
    message: str = "This record has been locked by a user defined workflow."


class Governance(_Model):
    concurrencyLimit: Annotated[int, Field(ge=1, le=1000)] = 5
    integrationConcurrencyLimit: Annotated[int, Field(ge=1)] | None = None


class FaultMatch(_Model):
    method: str | None = None
    pathPattern: str | None = None
    recordType: str | None = None


class Fault(_Model):
    """An injected failure: answer matching requests with an error, a delay or a dropped line."""

    name: str
    match: FaultMatch = FaultMatch()
    kind: Literal["error", "delay", "disconnect"]
    status: Annotated[int, Field(ge=400, le=599)] = 500
    code: str = "UNEXPECTED_ERROR"
    detail: str = "An unexpected error occurred."
    delaySeconds: Annotated[float, Field(ge=0, le=60)] = 0.0
    times: Annotated[int, Field(ge=1)] | None = None


class AccountProfile(_Model):
    """The whole profile: reference data, people, access, preferences and rules."""

    account: AccountInfo
    currencies: list[Currency]
    subsidiaries: list[Subsidiary]
    locations: list[Location] = []
    departments: list[Segment] = []
    classes: list[Segment] = []
    priceLevels: list[PriceLevel] = []
    terms: list[Term] = []
    items: list[Item] = []
    shipItems: list[ShipItem] = []
    taxItems: list[TaxItem] = []
    taxGroups: list[TaxGroup] = []
    customers: list[Customer] = []
    roles: list[Role]
    credentials: Credentials = Credentials()
    preferences: Preferences = Preferences()
    customFields: list[CustomField] = []
    rules: list[Rule] = []
    workflowLocks: list[WorkflowLock] = []
    governance: Governance = Governance()
    faults: list[Fault] = []
    # Random faults for every request, as `harness.sandbox.faults.FaultPlan.parse` reads them.
    faultPlan: str | None = None

    @property
    def account_id(self) -> str:
        return self.account.id

    @property
    def host(self) -> str:
        """The REST host: account id lowercased with `_` turned into `-`."""
        return self.account.id.lower().replace("_", "-") + ".suitetalk.api.netsuite.com"

    def role(self, role_id: int) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)


_SECRET_FIELDS = frozenset({"consumerKey", "consumerSecret", "tokenId", "tokenSecret"})


def _redacted_problems(loaded: LoadedYaml, exc: ValidationError) -> list[str]:
    """`file:line: path: message (got X)`, never showing a credential's value."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if any(part in _SECRET_FIELDS for part in loc):
            error = {**error, "input": "<redacted>"}
        problems.append(f"{loaded.path}:{loaded.line_of(loc)}: {describe(error)}")
    return problems


def load_profile(path: str | Path) -> AccountProfile:
    """Load and check an account profile; any problem raises `SandboxConfigError`."""
    try:
        loaded = load_yaml(path)
    except ConfigFileError as exc:
        raise SandboxConfigError(exc.problems) from None
    try:
        profile = AccountProfile.model_validate(loaded.data)
    except ValidationError as exc:
        raise SandboxConfigError(_redacted_problems(loaded, exc)) from None
    problems = [
        f"{loaded.path}:{loaded.line_of(loc)}: {dotted(loc)}: {message}"
        for loc, message in cross_reference_problems(profile)
    ]
    if problems:
        raise SandboxConfigError(problems)
    return profile


_demo_cache: dict[str, AccountProfile] = {}


def demo_profile() -> AccountProfile:
    """The demo store's profile, parsed once per process (profiles are immutable)."""
    key = str(DEMO_PROFILE)
    if key not in _demo_cache:
        _demo_cache[key] = load_profile(DEMO_PROFILE)
    return _demo_cache[key]


def profile_from(source: str | Path | AccountProfile | None) -> AccountProfile:
    """A profile from a path, an already-loaded profile, or `None` for the demo store."""
    if source is None:
        return demo_profile()
    if isinstance(source, AccountProfile):
        return source
    return load_profile(source)


def as_plain(profile: AccountProfile) -> dict[str, Any]:
    """The profile as plain JSON-compatible data (for snapshots and debugging)."""
    return profile.model_dump(mode="json")
