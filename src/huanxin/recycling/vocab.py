"""Fixed vocabularies of the recycling domain: site tiers, item categories (appliances are
priced per unit and condition, materials per kg), conditions, and unit conversions.

Volumes per unit and the service minutes at the door are planning estimates for the
dispatcher, not rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from huanxin.core.errors import InvalidInput, NotAChoice, OutOfRange

TIERS: dict[str, str] = {
    "dropoff": "交投点",
    "transfer": "中转站",
    "sorting": "分拣中心",
    "dismantler": "报废机动车回收拆解企业",
}

CONDITIONS: dict[str, str] = {"intact": "完整", "damaged": "破损", "parts": "缺件", "any": "不限"}

Kind = Literal["appliance", "material"]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    kind: Kind
    m3_per_unit: float  # appliances: per unit; materials: per kg
    service_s: int  # at the door, per booking line


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("refrigerator", "电冰箱", "appliance", 0.6, 300),
        Category("washing_machine", "洗衣机", "appliance", 0.4, 300),
        Category("television", "电视机", "appliance", 0.15, 180),
        Category("air_conditioner", "空调", "appliance", 0.3, 600),
        Category("water_heater", "热水器", "appliance", 0.1, 300),
        Category("computer", "电脑", "appliance", 0.05, 120),
        Category("mobile_phone", "手机", "appliance", 0.002, 60),
        Category("paper", "废纸", "material", 0.004, 120),
        Category("plastic", "废塑料", "material", 0.008, 120),
        Category("metal", "废金属", "material", 0.0005, 120),
        Category("clothes", "旧衣物", "material", 0.005, 120),
    )
}

APPLIANCE_LABEL = "废旧家电"
ELV_LABEL = "报废机动车"
WEIGHING_KINDS: dict[str, str] = {
    "appliances": APPLIANCE_LABEL,
    "elv": ELV_LABEL,
    "material": "再生资源",
}
PAYMENT_METHODS: dict[str, str] = {
    "cash": "现金",
    "wechat": "微信",
    "alipay": "支付宝",
    "bank": "银行转账",
}


def category(code: str, *, field: str = "category") -> Category:
    found = CATEGORIES.get(code)
    if found is None:
        raise NotAChoice(f"品类“{code}”不在回收目录中", field=field)
    return found


def grams(kg: float | str, *, field: str) -> int:
    """Kilograms (at most three decimals) to integer grams; must be positive."""
    try:
        value = Decimal(str(kg))
    except InvalidOperation:
        raise InvalidInput("重量必须是数字（千克）", field=field) from None
    if not value.is_finite() or value <= 0:
        raise OutOfRange("重量必须大于0千克", field=field)
    g = value * 1000
    if g != g.to_integral_value():
        raise OutOfRange("重量最多精确到0.001千克", field=field)
    return int(g)


def kg_text(weight_g: int) -> str:
    """Grams shown as kilograms with up to three decimals: ``12500 -> '12.5'``."""
    whole, rest = divmod(weight_g, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".") if rest else str(whole)


def clock_text(seconds: int) -> str:
    """Seconds since midnight as ``HH:MM``."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_clock(text: str, *, field: str) -> int:
    """``HH:MM`` to seconds since midnight (24:00 allowed)."""
    try:
        hh, mm = text.strip().split(":")
        hours, minutes = int(hh), int(mm)
    except ValueError:
        raise InvalidInput("时间格式应为HH:MM", field=field) from None
    if not (0 <= minutes < 60 and (0 <= hours < 24 or (hours == 24 and minutes == 0))):
        raise InvalidInput("时间格式应为HH:MM", field=field)
    return hours * 3600 + minutes * 60


def price_of_line(*, cat: Category, unit_price_fen: int, units: int, weight_g: int) -> int:
    """Appliances: price × units; materials: price per kg × weight, rounded half-up."""
    if cat.kind == "appliance":
        return unit_price_fen * units
    whole, rest = divmod(unit_price_fen * weight_g, 1000)
    return whole + (1 if rest * 2 >= 1000 else 0)
