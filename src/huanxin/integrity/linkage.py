"""Variant identities: one person beyond quota under borrowed or altered identities.

Beijing's audit found bulk buying on borrowed or stolen credentials (national-rules.md §3).
The quota is one item per person and category, checked by resident id, so a second claim
under another id number slips through unless the records are linked as the same person.

Linkage is Splink 5 (Fellegi-Sunter) on its DuckDB backend with fixed, documented m/u
probabilities (no training run, so a scan is deterministic and fast). Splink never sees all
10 million claims: DuckDB SQL first keeps the *candidates*, the claims that share a block
key with a claim of another identity in the same category (phone minus its last digit,
normalised address, bank account, redemption device; the block hashes are columns of the
claim index, :mod:`huanxin.integrity.keys`). Only those (about 2.5 % of the synthetic
claims) go to Splink, whose blocking rules are the same keys. A pair scoring
``match_probability`` or more, with two identities in one category, makes the later claim
beyond quota. In an incremental scan only blocks that hold a target claim are candidates,
found in one pass over the stored block columns; their rows come from the stored index by
``claim_id`` (:mod:`huanxin.integrity.state`).
Limit: a typo that changes a phone digit other than the last and an address that differs
after normalisation are not blocked together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import duckdb
import polars as pl

from huanxin.core import clk
from huanxin.integrity.detectors.base import CATEGORY_LABELS, HIT_SCHEMA, Scope, fetch
from huanxin.integrity.keys import ADDRESS_NORMALISED

BLOCK_KEYS: tuple[tuple[str, str], ...] = (
    ("phone10", "b_phone10"),
    ("addr_norm", "b_addr"),
    ("bank_account_key", "b_bank"),
    ("device_id", "b_device"),
)
"""(Splink column blocked on with the category, block-hash column of ``keys``).

The exact phone is no block of its own: two claims with one phone share its first ten
digits too, so the ``phone10`` block already holds them."""


LINK_COLUMNS = (
    "claim_id, claimed_at, category, ck AS consumer_key, consumer_name, phone,"
    " left(phone, 10) AS phone10, addr_norm, bank AS bank_account_key, device AS device_id,"
    " name_clk, phone_clk, address_clk, b_phone10, b_addr, b_bank, b_device"
)
"""A candidate's columns over a ``keys`` row that holds the texts (less ``is_target``)."""

ComparisonSpec = dict[str, Any]


def _level(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, "u_probability": u}


def _null(col: str) -> dict[str, Any]:
    return {
        "sql_condition": f"{col}_l IS NULL OR {col}_r IS NULL",
        "label_for_charts": "null",
        "is_null_level": True,
    }


def comparisons() -> list[ComparisonSpec]:
    """Fellegi-Sunter comparisons with m/u set from the synthetic world's known rates.

    The conditions are SQL that DuckDB and Spark (4.3 or later: ``jaro_winkler_similarity``
    is built in) read alike: plain identifiers, no quoting.

    Households share an address and surname (u of an address match is 1e-3, not tiny), so
    only phone, account or device agreement on top of the address makes a match.
    """
    return [
        {
            "output_column_name": "consumer_name",
            "comparison_levels": [
                _null("consumer_name"),
                _level("consumer_name_l = consumer_name_r", "same name", 0.5, 0.001),
                _level("left(consumer_name_l, 1) = left(consumer_name_r, 1)", "surname", 0.3, 0.05),
                _level("ELSE", "different", 0.2, 0.949),
            ],
        },
        {
            "output_column_name": "phone",
            "comparison_levels": [
                _null("phone"),
                _level("phone_l = phone_r", "same phone", 0.65, 1e-5),
                _level("levenshtein(phone_l, phone_r) <= 1", "one digit off", 0.3, 1e-4),
                _level("ELSE", "different", 0.05, 0.99989),
            ],
        },
        {
            "output_column_name": "addr_norm",
            "comparison_levels": [
                _null("addr_norm"),
                _level("addr_norm_l = addr_norm_r", "same address", 0.7, 0.001),
                _level(
                    "jaro_winkler_similarity(addr_norm_l, addr_norm_r) >= 0.9",
                    "similar address",
                    0.2,
                    0.01,
                ),
                _level("ELSE", "different", 0.1, 0.989),
            ],
        },
        _exact("bank_account_key", 0.6, 1e-5),
        _exact("device_id", 0.5, 1e-5),
    ]


def encoded_comparisons() -> list[ComparisonSpec]:
    """The same comparisons on keyed Bloom-filter encodings (database claims): equal filters
    are equal normalised texts; a Dice coefficient stands in for the text similarities
    (one phone digit off leaves about 0.83, a surname alone about 0.4)."""

    def dice(col: str) -> str:
        return clk.dice_sql(f"{col}_l", f"{col}_r")

    return [
        {
            "output_column_name": "name_clk",
            "comparison_levels": [
                _null("name_clk"),
                _level("name_clk_l = name_clk_r", "same name", 0.5, 0.001),
                _level(f"{dice('name_clk')} >= 0.35", "surname", 0.3, 0.05),
                _level("ELSE", "different", 0.2, 0.949),
            ],
        },
        {
            "output_column_name": "phone_clk",
            "comparison_levels": [
                _null("phone_clk"),
                _level("phone_clk_l = phone_clk_r", "same phone", 0.65, 1e-5),
                _level(f"{dice('phone_clk')} >= 0.75", "one digit off", 0.3, 1e-4),
                _level("ELSE", "different", 0.05, 0.99989),
            ],
        },
        {
            "output_column_name": "address_clk",
            "comparison_levels": [
                _null("address_clk"),
                _level("address_clk_l = address_clk_r", "same address", 0.7, 0.001),
                _level(f"{dice('address_clk')} >= 0.85", "similar address", 0.2, 0.01),
                _level("ELSE", "different", 0.1, 0.989),
            ],
        },
        _exact("bank_account_key", 0.6, 1e-5),
        _exact("device_id", 0.5, 1e-5),
    ]


def _exact(col: str, m: float, u: float) -> ComparisonSpec:
    return {
        "output_column_name": col,
        "comparison_levels": [
            _null(col),
            _level(f"{col}_l = {col}_r", "same", m, u),
            _level("ELSE", "different", 1 - m, 1 - u),
        ],
    }


def encoded(cands: pl.DataFrame) -> bool:
    """Whether the candidates carry encodings and no texts (database claims)."""
    texts = (
        cands.height
        - cands["phone"].null_count()
        + cands.height
        - cands["consumer_name"].null_count()
    )
    return texts == 0 and cands["name_clk"].null_count() < cands.height


@dataclass(frozen=True)
class VariantIdentity:
    """Fires on a claim linked to an earlier claim of another identity in the same category."""

    name: ClassVar[str] = "variant_identity"
    kind: ClassVar[str] = "variant_identity"
    title: ClassVar[str] = "变造身份超额申领"
    template: ClassVar[str] = (
        "与申领 {}（{}）疑为同一人（{}，匹配概率 {}%）；“{}”每人限享一次，本笔超出额度。"
    )
    weight: int = 70
    match_probability: float = 0.9
    prior: float = 1e-4

    def candidates_sql(self, scope: Scope) -> str:
        """SQL of claims sharing a block key and category with a claim of another identity.

        ``keys`` holds every block key hashed with the category into a 64-bit number; the
        groups are found on those numbers (narrow and cheap), and only the candidate claims
        are read with their text columns for Splink.
        """
        return f"""
        WITH ids AS ({self.ids_sql(scope)})
        SELECT k.claim_id, k.claimed_at, k.category, k.ck AS consumer_key, t.consumer_name,
               t.phone, left(t.phone, 10) AS phone10, {ADDRESS_NORMALISED} AS addr_norm,
               k.bank AS bank_account_key, k.device AS device_id,
               t.name_clk, t.phone_clk, t.address_clk, k.b_phone10, k.b_addr, k.b_bank,
               k.b_device, {scope.after(0, "k.claimed_at")} AS is_target
        FROM keys k SEMI JOIN ids USING (claim_id) JOIN link_text t USING (claim_id)"""  # noqa: S608

    def daily_candidates(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
        """The candidates of a daily scan: only blocks holding a judged claim are grouped.

        The candidates' rows are read by ``claim_id``: history from the stored index
        (``scope.history``), the rest from ``recent_keys`` (or ``keys`` with no stored index).
        """
        ids = fetch(con, self.ids_sql(scope))["claim_id"]
        listed = ", ".join(str(int(i)) for i in ids.to_list()) or "NULL"
        source = "recent_keys" if scope.history is not None else "keys"
        frames = [fetch(con, f"SELECT {LINK_COLUMNS} FROM {source} WHERE claim_id IN ({listed})")]  # noqa: S608
        if scope.history is not None:
            stored = pl.from_arrow(scope.history.rows(ids.to_list()))
            assert isinstance(stored, pl.DataFrame)
            frames.insert(0, stored)
        since = scope.since
        assert since is not None
        return pl.concat(frames).with_columns(is_target=pl.col("claimed_at") >= since)

    def ids_sql(self, scope: Scope) -> str:
        """SQL of the ``claim_id`` of the candidates."""
        return " UNION ".join(self._group_sql(block, scope) for _, block in BLOCK_KEYS)

    @staticmethod
    def _group_sql(block: str, scope: Scope) -> str:
        del scope  # repeated_<block> already holds only the day's blocks in a daily scan
        return f"""
            SELECT claim_id FROM (
                SELECT claim_id, min(ck) OVER w <> max(ck) OVER w AS shared
                FROM keys WHERE {block} IN (SELECT v FROM repeated_{block})
                WINDOW w AS (PARTITION BY {block})
            ) WHERE shared"""  # noqa: S608

    def repeats(self) -> dict[str, int]:
        return {block: 2 for _, block in BLOCK_KEYS}

    def run(self, con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
        """Link candidate claims with Splink; return hits for the later claim of each match."""
        if scope.full:
            cands = fetch(con, self.candidates_sql(scope))
        else:
            cands = self.daily_candidates(con, scope)
        if cands.height < 2:
            return pl.DataFrame(schema=HIT_SCHEMA)
        pairs = self._predict(cands)
        return self.hits(cands, pairs)

    def settings(self, encoded: bool = False) -> Any:
        """Splink's settings: backend-neutral (the same serve DuckDB and Spark). Blocks are
        the category-and-key hashes of the claim index; ``encoded``: compare the keyed
        Bloom-filter encodings instead of the texts (claims without texts)."""
        from splink import SettingsCreator, block_on

        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="claim_id",
            probability_two_random_records_match=self.prior,
            comparisons=list[Any](encoded_comparisons() if encoded else comparisons()),
            blocking_rules_to_generate_predictions=[block_on(block) for _, block in BLOCK_KEYS],
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )

    def _predict(self, cands: pl.DataFrame) -> pl.DataFrame:
        from splink import DuckDBAPI, Linker

        link_con = duckdb.connect()
        api = DuckDBAPI(connection=link_con)
        settings = self.settings(encoded=encoded(cands))
        linker = Linker(api.register(cands.to_arrow()), settings, log_level=logging.WARNING)
        out = linker.inference.predict(threshold_match_probability=self.match_probability)
        frame = fetch(
            link_con,
            f"SELECT claim_id_l, claim_id_r, match_probability FROM {out.physical_name}",  # noqa: S608
        )
        link_con.close()
        return frame

    def hits(self, cands: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
        """Hits for the later, judged claim of each matching pair of another identity."""
        a = cands.rename(lambda c: f"{c}_a")
        b = cands.rename(lambda c: f"{c}_b")
        p = (
            pairs.join(a, left_on="claim_id_l", right_on="claim_id_a")
            .join(b, left_on="claim_id_r", right_on="claim_id_b")
            .with_columns(claim_id_a=pl.col("claim_id_l"), claim_id_b=pl.col("claim_id_r"))
            .filter(
                (pl.col("consumer_key_a") != pl.col("consumer_key_b"))
                & (pl.col("category_a") == pl.col("category_b"))
            )
        )
        a_first = pl.col("claimed_at_a") <= pl.col("claimed_at_b")

        def same(col: str) -> pl.Expr:
            return pl.col(f"{col}_a") == pl.col(f"{col}_b")

        def pick(later: bool, col: str) -> pl.Expr:
            first, second = (f"{col}_b", f"{col}_a") if later else (f"{col}_a", f"{col}_b")
            return pl.when(a_first).then(pl.col(first)).otherwise(pl.col(second))

        why = pl.concat_str(
            [
                pl.when(same("phone") | same("phone_clk"))
                .then(pl.lit("手机号相同、"))
                .when(same("b_phone10"))
                .then(pl.lit("手机号仅末位不同、")),
                pl.when(same("addr_norm") | same("b_addr")).then(pl.lit("地址相同、")),
                pl.when(pl.col("bank_account_key_a") == pl.col("bank_account_key_b")).then(
                    pl.lit("收款账户相同、")
                ),
                pl.when(pl.col("device_id_a") == pl.col("device_id_b")).then(
                    pl.lit("核销设备相同、")
                ),
            ],
            ignore_nulls=True,
        ).str.strip_chars_end("、")
        later = p.select(
            pick(True, "claim_id").alias("claim_id"),
            pick(False, "claim_id").alias("earlier_id"),
            pick(False, "consumer_name").fill_null("姓名密存").alias("earlier_name"),
            pick(True, "is_target").alias("is_target"),
            pl.col("category_a")
            .replace_strict(CATEGORY_LABELS, default=pl.col("category_a"))
            .alias("cat"),
            why.alias("why"),
            (pl.col("match_probability") * 100).floor().cast(pl.Int32).alias("pct"),
        ).filter(pl.col("is_target"))
        best = (
            later.sort("claim_id", "earlier_id").group_by("claim_id", maintain_order=True).first()
        )
        return best.select(
            pl.lit(self.name).alias("detector"),
            pl.lit(self.kind).alias("kind"),
            pl.lit(self.title).alias("title"),
            pl.col("claim_id").cast(pl.Int64),
            pl.lit(self.weight, dtype=pl.Int32).alias("score"),
            pl.format(self.template, "earlier_id", "earlier_name", "why", "pct", "cat").alias(
                "explanation"
            ),
        )
