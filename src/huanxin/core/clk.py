"""Keyed Bloom-filter encodings (CLK) of names, phones and addresses for record linkage.

A text is normalised (:func:`normalise`), cut into character bigrams with a pad at each
end, and each bigram sets ``HASHES`` bits of a ``bits``-wide filter at positions drawn
from a keyed BLAKE2b digest of the bigram (double hashing). Two encodings of similar
texts share most of their bits; their Dice coefficient
``2·|A∧B| / (|A| + |B|)`` stands in for the texts' similarity without either text being
readable from them. The key is derived from ``HUANXIN_SECRET_KEY`` (HKDF, its own
``info``), held outside the database like the other personal-data keys: without it a
dump's filters cannot be recomputed from guessed names or phone numbers.

docs/integrity.md gives the threat model and what stays sealed.

>>> a, b = encode("phone", "13800138000"), encode("phone", "13800138001")
>>> round(dice(a, a), 2), dice(a, b) > 0.7, dice(a, encode("phone", "15912345678")) < 0.5
(1.0, True, True)
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from huanxin.core import pii

HASHES = 8
"""Bits set per bigram."""

BITS: dict[str, int] = {"name": 256, "phone": 256, "address": 512}
"""Filter width per field (bits, a multiple of 8): addresses have the most bigrams."""

_DROP = str.maketrans("", "", " -_·,，.。()（）#号栋幢单元室")


def normalise(field: str, text: str) -> str:
    """The form of ``text`` that is encoded: NFKC, lower case, punctuation and the address
    words that people write or leave out (栋, 单元, 室 …) dropped.

    >>> normalise("address", "幸福路 12 号 3栋-201室")
    '幸福路123201'
    """
    flat = unicodedata.normalize("NFKC", text).strip().lower()
    return flat.translate(_DROP) if field == "address" else flat.replace(" ", "")


@lru_cache(maxsize=1)
def _key() -> bytes:
    return pii.derived_key(b"linkage-clk")


@lru_cache(maxsize=500_000)
def _mask(key: bytes, field: str, bigram: str) -> int:
    """The filter bits one bigram sets (bigrams repeat a lot: digits, common characters)."""
    width = BITS[field]
    digest = hashlib.blake2b(f"{field}|{bigram}".encode(), key=key, digest_size=16).digest()
    h1, h2 = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little") | 1
    mask = 0
    for j in range(HASHES):
        mask |= 1 << ((h1 + j * h2) % width)
    return mask


def encode(field: str, text: str | None) -> bytes | None:
    """The keyed Bloom filter of ``text`` as ``field`` (None for an empty text)."""
    value = normalise(field, text or "")
    if not value:
        return None
    key, padded, bits = _key(), f"^{value}$", 0
    for i in range(len(padded) - 1):
        bits |= _mask(key, field, padded[i : i + 2])
    return bits.to_bytes(BITS[field] // 8, "little")


def dice(a: bytes, b: bytes) -> float:
    """Dice coefficient of two filters of one field (1.0 for equal texts)."""
    both = int.from_bytes(a, "big") & int.from_bytes(b, "big")
    total = int.from_bytes(a, "big").bit_count() + int.from_bytes(b, "big").bit_count()
    return 2 * both.bit_count() / total if total else 0.0


def dice_sql(left: str, right: str) -> str:
    """DuckDB SQL of the Dice coefficient of two BLOB filter columns (NULL if one is NULL)."""
    a, b = f"CAST({left} AS BIT)", f"CAST({right} AS BIT)"
    return f"(2.0 * bit_count({a} & {b}) / (bit_count({a}) + bit_count({b})))"
