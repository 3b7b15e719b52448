"""Tax-credit estimate (税额抵免) for special equipment for environmental protection, energy and
water saving, and work safety: the calculator (nothing is stored).

Rule (``SOURCE_ZH``): 企业所得税法第三十四条 and 实施条例第一百条 — 10% of the investment in
qualifying special equipment (on the three official catalogues) may be credited against the
enterprise income tax payable of the year of purchase; what cannot be credited that year is
carried forward for at most the following 5 tax years. The share and the carry-forward years
are parameters (``share_bp``, ``carry_years``) with those defaults.

Arithmetic, in integer fen: each year's new credit = investment × share, rounded half-up to
the fen; in each year of the tax schedule the credit is used up to the tax payable, oldest
credit first; a credit not used by the end of its last carry-forward year expires. Credits
still within their window after the last year of the schedule are reported as carried on.

>>> r = estimate(investments=[(2025, 1_000_000_00)], taxes=[(2025, 40_000_00), (2026, 90_000_00)])
>>> [(y.year, y.used_fen, y.tax_after_fen) for y in r.years]
[(2025, 4000000, 0), (2026, 6000000, 3000000)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from huanxin.core.errors import NotUnique, OutOfRange, Required, UnrelatedReference
from huanxin.core.money import percent_of, yuan_text

SHARE_BP = 1000
CARRY_YEARS = 5
FIRST_YEAR = 2008  # the Enterprise Income Tax Law took effect on 2008-01-01
SOURCE_ZH = (
    "《中华人民共和国企业所得税法》第三十四条、《中华人民共和国企业所得税法实施条例》第一百条："
    "企业购置并实际使用《环境保护专用设备企业所得税优惠目录》《节能节水专用设备企业所得税优惠目录》"
    "《安全生产专用设备企业所得税优惠目录》规定的专用设备的，该专用设备投资额的10%可以从企业当年的"
    "应纳税额中抵免；当年不足抵免的，可以在以后5个纳税年度结转抵免。"
)
SOURCE_URLS = (
    "https://news.qingdaonews.com/zonghe/2013-11/28/content_10124199.htm",
    "https://www.rcrzj.com/zhishi/287484.html",
)
NOTES_ZH = (
    "投资额：增值税进项税额允许抵扣的，不含进项税额；不允许抵扣的，为价税合计金额。",
    "须实际购置并自身投入使用；购置后5年内转让、出租的，停止享受并补缴已抵免的税款。",
    "设备须列入财政部、税务总局等发布的现行优惠目录；本计算为估算，以主管税务机关认定为准。",
)


@dataclass
class _Vintage:
    year: int
    credit: int
    left: int


@dataclass(frozen=True)
class VintageUse:
    """Credit of the vintage ``year`` used in a tax year (fen)."""

    year: int
    amount_fen: int


@dataclass(frozen=True)
class TaxCreditYear:
    """One tax year of the estimate (fen): tax payable, investment, credit new, available,
    used (by vintage, oldest first), tax after the credit, expired and carried on."""

    year: int
    tax_fen: int
    investment_fen: int
    new_credit_fen: int
    available_fen: int
    used_fen: int
    used_by_vintage: list[VintageUse]
    tax_after_fen: int
    expired_fen: int
    carried_fen: int


@dataclass(frozen=True)
class TaxCreditEstimate:
    """The tax-credit estimate: credit used per year, carried forward and expired (fen), the
    arithmetic explained line by line, the rule's source and notes."""

    share_bp: int
    carry_years: int
    credit_fen: int
    used_fen: int
    expired_fen: int
    carry_forward_fen: int
    years: list[TaxCreditYear]
    explanation: list[str]
    source: str
    source_urls: list[str]
    notes: list[str]


def _check(
    investments: Sequence[tuple[int, int]],
    taxes: Sequence[tuple[int, int]],
    share_bp: int,
    carry_years: int,
) -> None:
    if not 1 <= share_bp <= 10_000:
        raise OutOfRange("抵免比例应在0.01%至100%之间", field="share_bp")
    if not 0 <= carry_years <= 10:
        raise OutOfRange("结转年限应为0至10年", field="carry_years")
    if not investments:
        raise Required("请填写专用设备投资额", field="investments")
    if not taxes:
        raise Required("请填写各年度应纳税额", field="taxes")
    years = [y for y, _ in taxes]
    if any(not FIRST_YEAR <= y <= 2100 for y in years):
        raise OutOfRange(f"纳税年度应在{FIRST_YEAR}至2100年之间", field="taxes")
    if sorted(years) != list(range(min(years), min(years) + len(years))):
        raise NotUnique("各纳税年度须连续且不重复", field="taxes")
    if any(t < 0 for _, t in taxes):
        raise OutOfRange("应纳税额不能为负数", field="taxes")
    for year, amount in investments:
        if amount <= 0:
            raise OutOfRange("专用设备投资额应大于0", field="investments")
        if year not in years:
            raise UnrelatedReference(f"投资年度{year}不在所填纳税年度内", field="investments")


def _by_year(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for year, amount in pairs:
        out[year] = out.get(year, 0) + amount
    return out


def _use(vintages: list[_Vintage], tax: int) -> list[tuple[int, int]]:
    """Use credits oldest first up to ``tax``; return (vintage year, amount) used."""
    used: list[tuple[int, int]] = []
    for v in vintages:
        take = min(v.left, tax - sum(a for _, a in used))
        if take > 0:
            v.left -= take
            used.append((v.year, take))
    return used


def _year_row(
    year: int,
    tax: int,
    invested: int,
    new: int,
    vintages: list[_Vintage],
    expired: int,
    share_bp: int,
) -> tuple[TaxCreditYear, str]:
    available = sum(v.left for v in vintages)
    used = _use(vintages, tax)
    used_total = sum(a for _, a in used)
    row = TaxCreditYear(
        year=year,
        tax_fen=tax,
        investment_fen=invested,
        new_credit_fen=new,
        available_fen=available,
        used_fen=used_total,
        used_by_vintage=[VintageUse(y, a) for y, a in used],
        tax_after_fen=tax - used_total,
        expired_fen=expired,
        carried_fen=sum(v.left for v in vintages),
    )
    return row, _explain(row, share_bp)


def _explain(r: TaxCreditYear, share_bp: int) -> str:
    parts = [f"{r.year}年：应纳税额{yuan_text(r.tax_fen)}元"]
    if r.investment_fen:
        parts.append(
            f"新增抵免额＝专用设备投资额{yuan_text(r.investment_fen)}元×{share_bp / 100:g}%"
            f"＝{yuan_text(r.new_credit_fen)}元"
        )
    if r.expired_fen:
        parts.append(f"超过结转期限失效{yuan_text(r.expired_fen)}元")
    used = "、".join(f"{u.year}年抵免额{yuan_text(u.amount_fen)}元" for u in r.used_by_vintage)
    parts.append(
        f"可抵免余额{yuan_text(r.available_fen)}元，本年实际抵免{yuan_text(r.used_fen)}元"
        + (f"（{used}）" if used else "")
    )
    parts.append(
        f"抵免后应纳税额＝{yuan_text(r.tax_fen)}−{yuan_text(r.used_fen)}＝"
        f"{yuan_text(r.tax_after_fen)}元；结转以后年度{yuan_text(r.carried_fen)}元"
    )
    return "；".join(parts) + "。"


def estimate(
    *,
    investments: Sequence[tuple[int, int]],
    taxes: Sequence[tuple[int, int]],
    share_bp: int = SHARE_BP,
    carry_years: int = CARRY_YEARS,
) -> TaxCreditEstimate:
    """Credit per year against the tax schedule; amounts in fen, arithmetic explained."""
    _check(investments, taxes, share_bp, carry_years)
    invest, payable = _by_year(investments), dict(taxes)
    vintages: list[_Vintage] = []
    rows, lines = [], []
    for year in sorted(payable):
        expired = sum(v.left for v in vintages if year > v.year + carry_years)
        vintages = [v for v in vintages if year <= v.year + carry_years]
        new = percent_of(invest.get(year, 0), share_bp)
        if new:
            vintages.append(_Vintage(year, new, new))
        row, line = _year_row(
            year, payable[year], invest.get(year, 0), new, vintages, expired, share_bp
        )
        rows.append(row)
        lines.append(line)
    last = max(payable)
    carried = sum(v.left for v in vintages)
    lapsing = [v for v in vintages if v.left and v.year + carry_years <= last]
    lapsed = sum(v.left for v in lapsing)
    credit = sum(r.new_credit_fen for r in rows)
    used = sum(r.used_fen for r in rows)
    expired_total = sum(r.expired_fen for r in rows) + lapsed
    lines.append(_closing(credit, used, expired_total, carried - lapsed, last, carry_years))
    return TaxCreditEstimate(
        share_bp=share_bp,
        carry_years=carry_years,
        credit_fen=credit,
        used_fen=used,
        expired_fen=expired_total,
        carry_forward_fen=carried - lapsed,
        years=rows,
        explanation=lines,
        source=SOURCE_ZH,
        source_urls=list(SOURCE_URLS),
        notes=list(NOTES_ZH),
    )


def _closing(
    credit: int, used: int, expired: int, carried: int, last: int, carry_years: int
) -> str:
    text = (
        f"合计：抵免额{yuan_text(credit)}元，已抵免{yuan_text(used)}元，失效{yuan_text(expired)}元"
        f"（抵免额自投资当年起可在以后{carry_years}个纳税年度内结转，先用较早年度的抵免额）"
    )
    if carried:
        text += f"；{last}年后仍可结转{yuan_text(carried)}元，请补充以后年度应纳税额"
    return text + "。"
