"""The narrow claim index every detector reads: hashed keys and the few values the rules use.

``claims`` (canonical, :mod:`huanxin.integrity.schema`) is wide: long identifier strings in
28 columns. The detectors group, join and window on identities, merchants and models, which
is much faster on 64-bit integers. :func:`keys_sql` turns claims into ``keys`` once per scan:
one row per claim holding ``hash()`` of every identifier (NULL stays NULL), a day number,
the merchant-model and province-model keys of the price rule, the invoice running sequence,
the redemption distance, and the short texts the explanations quote. Detectors read
``keys`` (history and targets) and ``target_keys`` (the claims being judged); only a few
hits go back to ``target_claims`` for a long identifier's text.

The same table is the incremental scan's persisted state (:mod:`huanxin.integrity.state`):
history already indexed is not read or hashed again. Equal 64-bit hashes are taken as equal
values (texts are hashed so that DuckDB's structured collisions do not occur, see
:func:`_h`); with 10⁷ identifiers a chance match has a probability of about 10⁻⁵ per field.
"""

from __future__ import annotations

import duckdb

from huanxin.integrity.detectors.base import Scope
from huanxin.integrity.schema import PLATFORM_COLUMNS

DAY_ZERO = "DATE '2000-01-01'"
ADDRESS_NORMALISED = (
    "replace(replace(replace(replace(replace(address, '栋', ''), '幢', ''), '室', ''), '-', ''),"
    " ' ', '')"
)


def _h(text: str) -> str:
    """64-bit hash of the text ``text``, NULL when it is NULL.

    DuckDB's ``hash()`` is made for hash tables, not for standing in for a value: it folds a
    text in 8-byte words, and differences confined to the top byte of two consecutive words
    cancel (``LSV00002000547503`` and ``LSV00009000547553`` hash alike). The text is hashed
    together with itself shifted by one byte, whose words are aligned differently, so such
    a pair differs in one of the two. (MD5 would do too, at twenty times the cost.)
    """
    return f"CASE WHEN ({text}) IS NOT NULL THEN hash({text}, '#' || {text}) END"


def _block(value: str) -> str:
    """Linkage block key: the category and a hashed ``value`` combined (NULL if it is NULL)."""
    return f"CASE WHEN ({value}) IS NOT NULL THEN hash(category_h, {value}) END"


BASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("addr_norm", ADDRESS_NORMALISED),
    ("category_h", "hash(category)"),
    ("k_merchant", _h("merchant_id")),
    ("k_model", _h("model")),
    ("ck", _h("consumer_key")),
    ("bank", _h("bank_account_key")),
    ("device", _h("device_id")),
)
"""Values computed once per claim row and used by several columns of ``keys``."""


def _km() -> str:
    lat1, lon1, lat2, lon2 = "merchant_lat", "merchant_lon", "redeem_lat", "redeem_lon"
    return (
        f"2 * 6371.0 * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2)))"
    )


KEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "claim_id"),
    ("claimed_at", "claimed_at"),
    ("day", f"CAST(date_diff('day', {DAY_ZERO}, CAST(claimed_at AS DATE)) AS INTEGER)"),
    ("jurisdiction_code", "jurisdiction_code"),
    ("category", "category"),
    ("model", "model"),
    ("merchant_id", "merchant_id"),
    ("k_merchant", "k_merchant"),
    ("k_model", "k_model"),
    ("k_prov_model", "hash(substr(jurisdiction_code, 1, 2), k_model)"),
    ("k_merchant_model", "hash(k_merchant, k_model)"),
    ("ck", "ck"),
    ("bank", "bank"),
    ("device", "device"),
    ("bank_tail", "right(bank_account_key, 6)"),
    ("device_tail", "right(device_id, 6)"),
    ("serial", _h("device_serial")),
    ("vin", _h("vin")),
    ("invoice", _h("invoice_no")),
    ("cert", _h("recycling_cert_no")),
    ("seq", "TRY_CAST(right(invoice_no, 15) AS BIGINT)"),
    ("price_fen", "price_fen"),
    ("subsidy_fen", "subsidy_fen"),
    ("cap_fen", "cap_fen"),
    ("returned_at", "returned_at"),
    ("status", "status"),
    ("recycled_weight_kg", "recycled_weight_kg"),
    ("km", _km()),
    ("consumer_name", "consumer_name"),
    ("phone", "phone"),
    ("addr_norm", "addr_norm"),
    ("name_clk", "name_clk"),
    ("phone_clk", "phone_clk"),
    ("address_clk", "address_clk"),
    ("filed_price_fen", "filed_price_fen"),
    ("addr_key", _h("addr_norm")),
    ("b_phone10", _block(_h("left(phone, 10)"))),
    ("b_addr", _block(_h("addr_norm"))),
    ("b_bank", _block("bank")),
    ("b_device", _block("device")),
)
"""(column of ``keys``, SQL over a canonical claim row plus :data:`BASE_COLUMNS`)."""

ENCODED_KEYS: dict[str, str] = {
    "addr_key": f"coalesce({_h('addr_norm')}, {_h('address_key')})",
    "b_phone10": _block(f"coalesce({_h('left(phone, 10)')}, {_h('phone_block')})"),
    "b_addr": _block(f"coalesce({_h('addr_norm')}, {_h('address_key')})"),
}
"""The block keys of claims that carry :data:`~huanxin.integrity.schema.ENCODED_COLUMNS`:
the keyed hashes stand in for the texts they replace."""

CLK_COLUMNS = ("name_clk", "phone_clk", "address_clk")
NULL_WITHOUT: dict[str, str] = {
    **dict.fromkeys(CLK_COLUMNS, "CAST(NULL AS BLOB)"),
    "filed_price_fen": "CAST(NULL AS BIGINT)",
}
"""``keys`` columns read from the platform columns: NULL for a relation without them."""

TEXT_COLUMNS: tuple[str, ...] = ("consumer_name", "phone", "addr_norm", *CLK_COLUMNS)
"""Texts (and their encodings) only record linkage reads, for its few candidates: stored for
a daily scan's history, left in ``claims`` by a full scan (:func:`link_text_sql`)."""

LINK_TEXT_FROM_KEYS = (
    "SELECT claim_id, consumer_name, phone, addr_norm AS address, name_clk, phone_clk,"
    " address_clk FROM keys"
)


def encoded_in(con: duckdb.DuckDBPyConnection, relation: str = "claims") -> bool:
    """Whether ``relation`` carries the encoded identities (database claims do)."""
    names = {str(r[0]) for r in con.execute(f"DESCRIBE {relation}").fetchall()}
    return set(PLATFORM_COLUMNS) <= names


def link_text_sql(encoded: bool) -> str:
    """SQL of the linkage texts of ``claims`` (encodings NULL where it has none)."""
    clks = ", ".join(c if encoded else f"CAST(NULL AS BLOB) AS {c}" for c in CLK_COLUMNS)
    return f"SELECT claim_id, consumer_name, phone, address, {clks} FROM claims"  # noqa: S608


def keys_sql(source: str, where: str = "TRUE", *, text: bool = True, encoded: bool = False) -> str:
    """SQL selecting the ``keys`` rows of the canonical claims in ``source`` that meet ``where``.

    Without ``text`` the linkage texts (:data:`TEXT_COLUMNS`) are left out; ``encoded``:
    ``source`` carries the encoded identities (else their columns are NULL).
    """
    exprs = []
    for name, expr in KEY_COLUMNS:
        if not text and name in TEXT_COLUMNS:
            continue
        if encoded:
            exprs.append(f"{ENCODED_KEYS.get(name, expr)} AS {name}")
        else:
            exprs.append(f"{NULL_WITHOUT.get(name, expr)} AS {name}")
    base = ", ".join(f"{expr} AS {name}" for name, expr in BASE_COLUMNS)
    return f"""
        SELECT {", ".join(exprs)}
        FROM (SELECT *, {base} FROM {source} WHERE {where})"""  # noqa: S608


def repeated_sql(column: str, at_least: int, scope: Scope) -> str:
    """SQL of the values of ``column`` worth grouping: those occurring ``at_least`` times.

    ``repeated_<column>`` may hold more values than that (every rule applies its own count
    after grouping the rows of these values), never fewer. A daily scan takes the day's
    values as they are, so each rule reads the stored column once. (A full scan on DuckDB
    gets the exact relation from a sort of the column, which is much cheaper than a hash
    aggregate over ten million mostly distinct values:
    :func:`huanxin.integrity.scan.repeated_table`.)
    """
    if not scope.full:
        return f"SELECT DISTINCT {column} AS v FROM target_keys WHERE {column} IS NOT NULL"  # noqa: S608
    return f"""
        SELECT {column} AS v FROM keys WHERE {column} IS NOT NULL
        GROUP BY {column} HAVING count(*) >= {at_least}"""  # noqa: S608


def target_keys_sql(scope: Scope) -> str:
    """SQL of the judged claims' ``keys`` rows."""
    return f"SELECT * FROM keys WHERE {scope.after(0)}"  # noqa: S608


CATEGORY_STATS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "category_at_cap": (
        "category",
        ("n", "at_cap"),
        (
            "SELECT category, count(subsidy_fen >= cap_fen) AS n,"
            " count(*) FILTER (WHERE subsidy_fen >= cap_fen) AS at_cap"
            " FROM {source} GROUP BY category"
        ),
    ),
    "category_weights": (
        "category, w",
        ("n",),
        (
            "SELECT category, recycled_weight_kg AS w, count(*) AS n FROM {source}"
            " WHERE recycled_weight_kg IS NOT NULL GROUP BY category, w"
        ),
    ),
}
"""Per-category counts the category-wide rules read: name → (group columns, summed counts, SQL).

``category_at_cap``: claims whose at-cap test has a value, and how many are at the cap (the
cap-share rule's normal share); ``category_weights``: how many recycled items weighed each
weight (the implausible-weight rule's median). They are sums, so a daily scan adds the
stored history's counts to the new claims' instead of reading all history again.
"""


def category_stats_sql(name: str, sources: list[str], stored: str | None = None) -> str:
    """SQL of the stats ``name`` (:data:`CATEGORY_STATS`) over the ``keys`` rows of ``sources``,
    plus the ready counts of ``stored`` (the stored history's) if given."""
    group, counts, sql = CATEGORY_STATS[name]
    parts = [sql.format(source=s) for s in sources]
    parts += [f"SELECT * FROM {stored}"] if stored else []  # noqa: S608
    if len(parts) == 1:
        return parts[0]
    union = " UNION ALL ".join(f"SELECT * FROM ({p})" for p in parts)  # noqa: S608
    sums = ", ".join(f"CAST(sum({c}) AS BIGINT) AS {c}" for c in counts)
    return f"SELECT {group}, {sums} FROM ({union}) GROUP BY {group}"  # noqa: S608
