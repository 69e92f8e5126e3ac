"""Values as the store holds them, under SuiteQL's conventions (see `schema.py`).

Booleans are `'T'`/`'F'`, timestamps UTC text, multi-selects one text of ids, addresses
carry their printable text.
"""

from __future__ import annotations

from datetime import UTC, datetime

# The largest magnitude a number field holds: NetSuite keeps 15 significant digits (INFERRED,
# the same limit the wire puts on JSON numbers, `harness.sandbox.wire.MAX_NUMBER`).
MAX_NUMBER = 10**15

# The country codes an address takes: ISO 3166-1 alpha-2, as REST sends and shows them
# (`"country": "US"`, Oracle's addressbook sample; reference netsuite-rest 3.3).
COUNTRY_CODES: tuple[str, ...] = tuple(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
    BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
    CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
    PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
    SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
    TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - 249 codes read better as a table than one per line
)


def tf(value: bool) -> str:
    """A Python bool as SuiteQL's `'T'`/`'F'`."""
    return "T" if value else "F"


def timestamp(moment: datetime) -> str:
    """An aware datetime as the stored UTC form `YYYY-MM-DDTHH:MM:SSZ`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_list(ids: list[int]) -> str:
    """A multi-select value as stored: `'1, 2'`."""
    return ", ".join(str(i) for i in ids)


def parse_id_list(text: str | None) -> list[int]:
    """The ids of a stored multi-select value (`'1, 2'` -> `[1, 2]`)."""
    if not text:
        return []
    return [int(part) for part in text.split(",") if part.strip()]


def format_address(parts: dict[str, str | None]) -> str:
    """An address's printable text, as NetSuite fills `addrText` (one part per line)."""
    city_line = " ".join(p for p in (parts.get("city"), parts.get("state"), parts.get("zip")) if p)
    lines = [
        parts.get("attention"),
        parts.get("addressee"),
        parts.get("addr1"),
        parts.get("addr2"),
        parts.get("addr3"),
        city_line,
        parts.get("country"),
    ]
    return "\n".join(line for line in lines if line)
