"""Money in integer fen (分): parsing, formatting and the one rounding rule.

Every amount in the platform is an ``int`` of fen. Floats never carry money.

Rounding rule: a percentage of a price is computed exactly as a rational number
and rounded half-up to the fen (0.5 fen rounds away from zero for positive values).
Rates are given in basis points (1 bp = 0.01 %), so 15 % is ``1500``.

>>> percent_of(599900, 2000)
119980
>>> percent_of(1, 5000)   # 0.5 fen rounds up
1
>>> yuan(119980)       # machine formats (bank CSV, form values)
'1199.80'
>>> yuan_text(119980)  # what a person reads
'1,199.80'
>>> parse_yuan("5999")
599900
>>> parse_yuan("12.3")
1230
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100
BASIS_POINTS = 10_000
FEN_PER_WAN = 1_000_000  # 1 万元
WAN_FROM_FEN = 10_000_000  # amounts from 10 万元 up are shown in 万元


def percent_of(amount_fen: int, rate_bp: int) -> int:
    """Return ``amount_fen × rate_bp / 10000`` rounded half-up to the fen."""
    if amount_fen < 0 or rate_bp < 0:
        raise ValueError("amount and rate must be non-negative")
    whole, rest = divmod(amount_fen * rate_bp, BASIS_POINTS)
    return whole + (1 if rest * 2 >= BASIS_POINTS else 0)


def yuan(amount_fen: int) -> str:
    """Format fen as yuan with exactly two decimals, e.g. ``'1199.80'``."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def yuan_text(amount_fen: int) -> str:
    """Yuan with thousands separators and two decimals, no unit: ``119980 -> '1,199.80'``.

    For a sentence or a column that names 元 itself; ``money_text`` adds the unit and
    switches to 万元 for large amounts.
    """
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def yuan_number(amount_fen: int) -> Decimal:
    """Fen as an exact number of yuan, for a spreadsheet cell (it sums and sorts it)."""
    return Decimal(amount_fen).scaleb(-2)


def yuan_short(amount_fen: int) -> str:
    """``yuan_text`` dropping a zero fraction: ``200000 -> '2,000'``, ``150 -> '1.50'``."""
    text = yuan_text(amount_fen)
    return text[:-3] if text.endswith(".00") else text


def money_parts(amount_fen: int) -> tuple[str, str]:
    """An amount for a person to read, as (number, unit): thousands separators, in 元 below
    10 万元 and in 万元 (two decimals, rounded half-up) from there up.

    >>> money_parts(123456)
    ('1,234.56', '元')
    >>> money_parts(46485156460)
    ('46,485.16', '万元')
    """
    if abs(amount_fen) < WAN_FROM_FEN:
        return yuan_text(amount_fen), "元"
    wan = (Decimal(amount_fen) / FEN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{wan:,}", "万元"


def money_text(amount_fen: int) -> str:
    """``money_parts`` as one string (the ``money`` filter of the pages): ``'1,234.56 元'``."""
    number, unit = money_parts(amount_fen)
    return f"{number} {unit}"


def parse_yuan(text: str) -> int:
    """Parse a yuan amount with at most two decimals into fen; raise ValueError otherwise."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    fen = value * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_label(rate_bp: int) -> str:
    """Format basis points as a percentage: ``1500 -> '15%'``, ``1250 -> '12.5%'``."""
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"
