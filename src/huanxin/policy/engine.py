"""The quote engine: which programmes apply to an item, how much each pays, and why.

Pure functions over parsed :class:`Programme` versions; no database. For each programme id
that covers the item's category in the buyer's jurisdiction path, the engine picks the
version in force on the purchase date (highest version number among those whose effective
period contains the date and that were published by ``as_of``; a later version that is
effective retroactively therefore wins), checks eligibility, computes the amount, resolves
``excludes`` (the higher amount is kept; ties keep the smaller id) and then ``stacks_on``
(a top-up stays only if one of its base programmes stays), and splits each amount between
the funding layers.

Rounding: ``price × rate`` is rounded half-up to the fen once (``core.money.percent_of``);
the cap is compared with the rounded amount. No amount exceeds the price.
Remainder rule for funding: each layer gets ``floor(amount × bp / 10000)``; the fen left
over go one each to the layers with the largest remainders, ties in the order
central → province → city → county. The parts always add up to the amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from pydantic import BaseModel, JsonValue

from huanxin.core.money import percent_of, rate_label, yuan_short, yuan_text
from huanxin.policy import categories
from huanxin.policy.eligibility import ItemAttributes, check_eligibility, item_attr
from huanxin.policy.errors import InvalidQuoteRequest
from huanxin.policy.schema import (
    LAYER_LABELS,
    NATIONAL_CODE,
    AmountRule,
    Layer,
    Level,
    Programme,
    Split,
)

__all__ = [
    "ItemAttributes",
    "NotApplied",
    "ProgrammeAmount",
    "Quote",
    "compute_amount",
    "jurisdiction_path",
    "quote",
    "select_version",
    "split_amount",
]


class ProgrammeAmount(BaseModel):
    programme_id: str
    version: int
    title: str
    level: Level
    jurisdiction_code: str
    amount_fen: int
    funding_fen: dict[Layer, int]
    explanation: list[str]
    trace: dict[str, JsonValue]


class NotApplied(BaseModel):
    programme_id: str
    version: int | None
    title: str
    reasons: list[str]


class Quote(BaseModel):
    on_date: date
    jurisdiction_path: list[str]
    item: ItemAttributes
    applied: list[ProgrammeAmount]
    not_applied: list[NotApplied]
    total_fen: int
    funding_fen: dict[Layer, int]
    net_price_fen: int
    explanation: list[str]


def jurisdiction_path(code: str) -> list[str]:
    """Codes from province down to ``code`` (GB/T 2260 structure).

    >>> jurisdiction_path("140521")
    ['140000', '140500', '140521']
    >>> jurisdiction_path("140500")
    ['140000', '140500']
    >>> jurisdiction_path("370000")
    ['370000']
    """
    if len(code) != 6 or not code.isdigit() or code[:2] == "00":
        raise InvalidQuoteRequest(f"行政区划代码须为6位数字：{code!r}", field="jurisdiction")
    return list(dict.fromkeys([code[:2] + "0000", code[:4] + "00", code]))


def split_amount(total_fen: int, split: Split) -> dict[Layer, int]:
    """Split ``total_fen`` by basis points; the parts add up exactly (largest remainder).

    >>> split_amount(1001, {Layer.central: 9000, Layer.province: 1000})
    {<Layer.central: 'central'>: 901, <Layer.province: 'province'>: 100}
    >>> thirds = {Layer.province: 3333, Layer.city: 3333, Layer.county: 3334}
    >>> list(split_amount(100, thirds).values())
    [33, 33, 34]
    """
    layers = [layer for layer in Layer if split.get(layer, 0) > 0]
    parts = {layer: divmod(total_fen * split[layer], 10_000) for layer in layers}
    shares = {layer: parts[layer][0] for layer in layers}
    left = total_fen - sum(shares.values())
    by_remainder = sorted(layers, key=lambda lay: (-parts[lay][1], layers.index(lay)))
    for layer in by_remainder[:left]:
        shares[layer] += 1
    return shares


def select_version(
    versions: Iterable[Programme], on_date: date, *, as_of: date | None = None
) -> Programme | None:
    """The version in force on ``on_date``: highest version effective then and published."""
    live = [
        v
        for v in versions
        if v.effective.contains(on_date) and (as_of is None or v.published <= as_of)
    ]
    return max(live, key=lambda v: v.version, default=None)


def _cap_text(raw: int, cap: int | None) -> tuple[int, str]:
    if cap is None:
        return raw, ""
    if raw > cap:
        return cap, f"，超过单件上限{yuan_short(cap)}元，按{yuan_text(cap)}元补贴"
    return raw, f"，未超过单件上限{yuan_short(cap)}元"


def _band_text(rule: AmountRule, price: int) -> tuple[int, str] | None:
    for band in rule.bands:
        if band.min_price_fen <= price and (
            band.max_price_fen is None or price < band.max_price_fen
        ):
            low = f"{yuan_short(band.min_price_fen)}元（含）"
            span = (
                f"{low}以上"
                if band.max_price_fen is None
                else f"{low}至{yuan_short(band.max_price_fen)}元"
            )
            return (
                band.amount_fen,
                f"售价{yuan_text(price)}元，属于{span}档，补贴{yuan_text(band.amount_fen)}元",
            )
    return None


def compute_amount(rule: AmountRule, item: ItemAttributes) -> tuple[int, list[str]] | None:
    """Amount in fen and its explanation lines; None if the price falls in no band.

    >>> r = AmountRule(label="家电", rate_bp=1500, extra_rate_by_grade_bp={1: 500}, cap_fen=200000)
    >>> compute_amount(r, ItemAttributes(category="tv", price_fen=599900, grade=1))[1][0]
    '售价5,999.00元×20%=1,199.80元，未超过单件上限2,000元'
    """
    price = item.price_fen
    lines: list[str] = []
    if rule.rate_bp is not None:
        extra = rule.extra_rate_by_grade_bp.get(item.grade or 0, 0)
        rate = rule.rate_bp + extra
        raw = percent_of(price, rate)
        text = f"售价{yuan_text(price)}元×{rate_label(rate)}={yuan_text(raw)}元"
        if extra:
            lines.append(
                f"补贴比例：基础{rate_label(rule.rate_bp)}，{item.grade}级能效加{rate_label(extra)}"
            )
    elif rule.fixed_fen is not None:
        raw, text = rule.fixed_fen, f"{rule.label}：定额补贴{yuan_text(rule.fixed_fen)}元"
    elif rule.per_unit_fen is not None:
        raw = rule.per_unit_fen * item.quantity
        text = f"每{rule.unit}{yuan_text(rule.per_unit_fen)}元×{item.quantity}{rule.unit}={yuan_text(raw)}元"
    else:
        band = _band_text(rule, price)
        if band is None:
            return None
        raw, text = band
    amount, suffix = _cap_text(raw, rule.cap_fen)
    if amount > price:
        amount, suffix = price, suffix + f"，超过售价，按售价{yuan_text(price)}元补贴"
    return amount, [text + suffix, *lines]


def _rule_trace(rule: AmountRule, item: ItemAttributes) -> dict[str, JsonValue]:
    data = rule.model_dump(mode="json", exclude_defaults=True)
    data["extra_rate_applied_bp"] = rule.extra_rate_by_grade_bp.get(item.grade or 0, 0)
    return data


def _pick_rule(rules: Sequence[AmountRule], item: ItemAttributes) -> AmountRule | None:
    for rule in rules:
        if all(item_attr(item, k) == v for k, v in rule.when.items()):
            return rule
    return None


def evaluate(
    programme: Programme, item: ItemAttributes, path: list[str]
) -> ProgrammeAmount | NotApplied:
    """Check one programme version against the item; amount with trace, or the reasons why not."""
    category = programme.category(item.category)
    if category is None:
        return _not(programme, [f"本版本不含品类“{item.category}”"])
    reasons = check_eligibility(programme, category, item)
    rule = _pick_rule(programme.amount_for(category), item)
    if rule is None:
        reasons.append("没有适用于该商品的补贴标准（如新车类型、电池类型等不符）")
    if reasons or rule is None:
        return _not(programme, reasons)
    computed = compute_amount(rule, item)
    if computed is None:
        return _not(programme, [f"售价{yuan_text(item.price_fen)}元不在任何补贴档位内"])
    amount, lines = computed
    split = programme.funding.split_for(path)
    funding = split_amount(amount, split)
    lines.append(_funding_text(funding))
    trace: dict[str, JsonValue] = {
        "programme_id": programme.id,
        "version": programme.version,
        "category": category.code,
        "price_fen": item.price_fen,
        "rule": _rule_trace(rule, item),
        "funding_bp": {layer.value: bp for layer, bp in split.items()},
    }
    return ProgrammeAmount(
        programme_id=programme.id,
        version=programme.version,
        title=programme.title,
        level=programme.jurisdiction.level,
        jurisdiction_code=programme.jurisdiction.code,
        amount_fen=amount,
        funding_fen=funding,
        explanation=[
            f"{category.name}：{line}" if i == 0 else line for i, line in enumerate(lines)
        ],
        trace=trace,
    )


def _funding_text(funding: dict[Layer, int]) -> str:
    parts = "，".join(f"{LAYER_LABELS[layer]}{yuan_text(fen)}元" for layer, fen in funding.items())
    return f"资金来源：{parts}"


def _not(programme: Programme, reasons: list[str], *, version: bool = True) -> NotApplied:
    return NotApplied(
        programme_id=programme.id,
        version=programme.version if version else None,
        title=programme.title,
        reasons=reasons,
    )


def _candidates(
    programmes: Iterable[Programme], path: list[str], category: str
) -> dict[str, list[Programme]]:
    groups: dict[str, list[Programme]] = defaultdict(list)
    for p in programmes:
        if p.jurisdiction.code == NATIONAL_CODE or p.jurisdiction.code in path:
            groups[p.id].append(p)
    return {pid: vs for pid, vs in groups.items() if any(v.category(category) for v in vs)}


def _resolve_exclusions(
    applied: dict[str, ProgrammeAmount], programmes: dict[str, Programme]
) -> list[NotApplied]:
    dropped: list[NotApplied] = []
    for pid in sorted(applied, key=lambda i: (-applied[i].amount_fen, i)):
        if pid not in applied:
            continue
        for other in sorted(applied):
            rivals = other in programmes[pid].excludes or pid in programmes[other].excludes
            if other != pid and rivals:
                del applied[other]
                reason = f"与“{applied[pid].title}”不可同时享受，按补贴金额较高者计"
                dropped.append(_not(programmes[other], [reason]))
    return dropped


def _resolve_stacking(
    applied: dict[str, ProgrammeAmount], programmes: dict[str, Programme]
) -> list[NotApplied]:
    dropped: list[NotApplied] = []
    changed = True
    while changed:
        changed = False
        for pid in sorted(applied):
            bases = programmes[pid].stacks_on
            if bases and not any(b in applied for b in bases):
                applied.pop(pid)
                dropped.append(
                    _not(programmes[pid], [f"叠加政策须同时符合基础政策：{'、'.join(bases)}"])
                )
                changed = True
    return dropped


def quote(
    programmes: Sequence[Programme],
    *,
    jurisdiction_path: list[str],
    on_date: date,
    item: ItemAttributes,
    as_of: date | None = None,
    applied_on: date | None = None,
) -> Quote:
    """Every applicable programme for ``item`` bought on ``on_date`` where the buyer lives.
    With ``applied_on`` (the day a post-purchase application is filed), a version whose
    application deadline has passed does not apply."""
    item = _known_category(programmes, item)
    applied: dict[str, ProgrammeAmount] = {}
    not_applied: list[NotApplied] = []
    chosen: dict[str, Programme] = {}
    for pid, versions in sorted(_candidates(programmes, jurisdiction_path, item.category).items()):
        version = select_version(versions, on_date, as_of=as_of)
        if version is None:
            reason = f"购买日期{on_date.isoformat()}不在该政策任何版本的有效期内"
            not_applied.append(_not(versions[0], [reason], version=False))
            continue
        chosen[pid] = version
        result = evaluate(version, item, jurisdiction_path)
        late = _past_deadline(version, applied_on)
        if late is not None:
            result = _not(version, [late])
        if isinstance(result, NotApplied):
            not_applied.append(result)
        else:
            applied[pid] = result
    not_applied += _resolve_exclusions(applied, chosen)
    not_applied += _resolve_stacking(applied, chosen)
    not_applied += _limit_to_price(applied, chosen, item.price_fen, jurisdiction_path)
    return _assemble(applied, not_applied, jurisdiction_path, on_date, item)


def _known_category(programmes: Sequence[Programme], item: ItemAttributes) -> ItemAttributes:
    """``item`` with its category as a code; a name nobody's programme covers is refused."""
    code = categories.resolve(programmes, item.category)
    return item if code == item.category else item.model_copy(update={"category": code})


def _past_deadline(programme: Programme, applied_on: date | None) -> str | None:
    deadline = programme.application_deadline
    if applied_on is None or deadline is None or applied_on <= deadline:
        return None
    return f"该政策申请截止日期为{deadline.isoformat()}，{applied_on.isoformat()}提交已逾期"


def _limit_to_price(
    applied: dict[str, ProgrammeAmount],
    programmes: dict[str, Programme],
    price: int,
    path: list[str],
) -> list[NotApplied]:
    """Stacked amounts may not exceed the price: cut the lowest level first (county → national)."""
    dropped: list[NotApplied] = []
    excess = sum(r.amount_fen for r in applied.values()) - price
    for pid in sorted(applied, key=lambda i: (-list(Level).index(applied[i].level), i)):
        if excess <= 0:
            break
        result = applied[pid]
        cut = min(excess, result.amount_fen)
        excess -= cut
        if cut == result.amount_fen:
            del applied[pid]
            dropped.append(_not(programmes[pid], ["各级补贴合计已达售价，本级不再补贴"]))
            continue
        amount = result.amount_fen - cut
        funding = split_amount(amount, programmes[pid].funding.split_for(path))
        note = f"各级补贴合计不超过售价：本级核减{yuan_text(cut)}元，按{yuan_text(amount)}元补贴"
        lines = [*result.explanation[:-1], note, _funding_text(funding)]
        trace = {**result.trace, "cut_to_price_fen": cut}
        update = {
            "amount_fen": amount,
            "funding_fen": funding,
            "explanation": lines,
            "trace": trace,
        }
        applied[pid] = result.model_copy(update=update)
    return dropped


def _assemble(
    applied: dict[str, ProgrammeAmount],
    not_applied: list[NotApplied],
    path: list[str],
    on_date: date,
    item: ItemAttributes,
) -> Quote:
    results = sorted(applied.values(), key=lambda r: (list(Level).index(r.level), r.programme_id))
    total = sum(r.amount_fen for r in results)
    funding: dict[Layer, int] = {}
    for layer in Layer:
        fen = sum(r.funding_fen.get(layer, 0) for r in results)
        if fen:
            funding[layer] = fen
    summary = f"补贴合计{yuan_text(total)}元，扣除补贴后价格{yuan_text(item.price_fen - total)}元"
    return Quote(
        on_date=on_date,
        jurisdiction_path=path,
        item=item,
        applied=results,
        not_applied=not_applied,
        total_fen=total,
        funding_fen=funding,
        net_price_fen=item.price_fen - total,
        explanation=[line for r in results for line in r.explanation] + [summary],
    )
