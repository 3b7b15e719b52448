"""The item being quoted and the eligibility checks against it, with reasons in Chinese.

Each check returns the reasons it fails (empty when it passes); the engine collects them all
so a buyer sees every unmet condition at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from huanxin.core.money import parse_yuan, yuan_short, yuan_text
from huanxin.policy.errors import InvalidQuoteRequest
from huanxin.policy.schema import Category, Eligibility, Fuel, NewVehicle, Programme

FUEL_LABELS = {Fuel.petrol: "汽油", Fuel.diesel: "柴油", Fuel.other: "其他燃料", Fuel.nev: "新能源"}
NEW_VEHICLE_LABELS = {NewVehicle.nev: "新能源汽车", NewVehicle.fuel: "燃油车"}


class ItemAttributes(BaseModel):
    """What the buyer bought and what the rules ask about it (unknown keys go to ``attrs``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str
    price_fen: int = Field(ge=0)
    grade: int | None = Field(default=None, ge=1, le=5)
    quantity: int = Field(default=1, ge=1)
    new_vehicle: NewVehicle | None = None
    fuel_displacement_ml: int | None = Field(default=None, gt=0)
    old_vehicle_fuel: Fuel | None = None
    old_vehicle_emission_standard: int | None = Field(default=None, ge=1, le=6)
    old_vehicle_registered_on: date | None = None
    old_vehicle_owned_since: date | None = None
    resident: bool | None = None
    in_catalogue: bool | None = None
    old_item_handed_in: bool | None = None
    prior_claims_in_category: int = Field(default=0, ge=0)
    attrs: dict[str, str] = {}

    @classmethod
    def from_inputs(cls, data: dict[str, Any]) -> ItemAttributes:
        """Build from flat inputs (CLI, scenario files): ``price`` in yuan, others by name."""
        fields = dict(data)
        try:
            if "price" in fields:
                fields["price_fen"] = parse_yuan(str(fields.pop("price")))
            attrs = {str(k): _text(v) for k, v in dict(fields.pop("attrs", None) or {}).items()}
            attrs |= {k: _text(fields.pop(k)) for k in list(fields) if k not in cls.model_fields}
            return cls.model_validate({**fields, "attrs": attrs})
        except ValidationError as exc:
            raise _chinese(exc) from exc
        except ValueError as exc:
            raise InvalidQuoteRequest(
                "成交价格式不正确（元，最多两位小数）", field="price"
            ) from exc


ITEM_LABELS = {
    "category": "品类",
    "price_fen": "成交价",
    "grade": "能效等级",
    "quantity": "数量",
    "new_vehicle": "新车类型",
    "fuel_displacement_ml": "排量（毫升）",
    "old_vehicle_fuel": "旧车燃料",
    "old_vehicle_emission_standard": "旧车排放标准",
    "old_vehicle_registered_on": "旧车注册日期",
    "old_vehicle_owned_since": "旧车登记在本人名下日期",
    "resident": "是否本地居民",
    "in_catalogue": "是否在目录内",
    "old_item_handed_in": "是否交售旧机",
    "prior_claims_in_category": "已享受件数",
}
_REASONS = {
    "greater_than_equal": "不能小于{ge}",
    "less_than_equal": "不能大于{le}",
    "greater_than": "须大于{gt}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "missing": "必填",
    "enum": "不在可选范围内",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "bool_parsing": "应为是或否",
}


def _chinese(exc: ValidationError) -> InvalidQuoteRequest:
    """The first pydantic failure as a Chinese message naming the field by its label."""
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "item"
    reason = _REASONS.get(first["type"], "格式不正确").format(**(first.get("ctx") or {}))
    if name == "price_fen" and first["type"] == "greater_than_equal":
        reason = "不能为负数"
    field = "price" if name == "price_fen" else name
    return InvalidQuoteRequest(f"{ITEM_LABELS.get(name, '商品信息')}：{reason}", field=field)


def _text(value: object) -> str:
    """Attribute value as the text rules compare against: ``True -> 'true'``, dates ISO."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def item_attr(item: ItemAttributes, name: str) -> str | None:
    """An item attribute as text (typed field first, then free ``attrs``).

    >>> item_attr(ItemAttributes(category="car", price_fen=1, new_vehicle="nev"), "new_vehicle")
    'nev'
    """
    if name in type(item).model_fields and name != "attrs":
        value = getattr(item, name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Enum):
            return str(value.value)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)
    return item.attrs.get(name)


def _grade(rule: Eligibility, item: ItemAttributes) -> list[str]:
    if rule.min_grade is None:
        return []
    if item.grade is None:
        return [f"缺少能效（水效）等级，要求{rule.min_grade}级及以上"]
    if item.grade > rule.min_grade:
        return [f"能效（水效）等级为{item.grade}级，未达到{rule.min_grade}级及以上的要求"]
    return []


def _price(rule: Eligibility, item: ItemAttributes) -> list[str]:
    if rule.max_price_fen is not None and item.price_fen > rule.max_price_fen:
        return [
            f"售价{yuan_text(item.price_fen)}元，超过单件限价{yuan_short(rule.max_price_fen)}元"
        ]
    return []


def _old_vehicle(rule: Eligibility, item: ItemAttributes) -> list[str]:
    if not rule.old_vehicle_any_of:
        return []
    fuel, registered = item.old_vehicle_fuel, item.old_vehicle_registered_on
    if fuel is None or registered is None:
        return ["缺少旧车燃料类型或注册登记日期"]
    matching = [r for r in rule.old_vehicle_any_of if fuel in r.fuels]
    if not matching:
        return [f"旧车燃料类型（{FUEL_LABELS[fuel]}）不在报废补贴范围内"]
    reasons: list[str] = []
    for r in matching:
        reasons = []
        if registered > r.registered_on_or_before:
            limit = r.registered_on_or_before.isoformat()
            reasons.append(
                f"旧车注册登记日期{registered.isoformat()}晚于{limit}（{FUEL_LABELS[fuel]}车须在此日期及以前登记）"
            )
        standard = item.old_vehicle_emission_standard
        if r.max_emission_standard is not None and (standard or 0) > r.max_emission_standard:
            reasons.append(f"旧车排放标准为国{standard}，高于国{r.max_emission_standard}")
        if not reasons:
            return []
    return reasons


def _new_vehicle(rule: Eligibility, item: ItemAttributes) -> list[str]:
    if not rule.new_vehicle:
        return []
    kind = item.new_vehicle
    if kind is None:
        return ["缺少新车类型（新能源汽车或燃油车）"]
    if kind not in rule.new_vehicle:
        return [f"新车类型（{NEW_VEHICLE_LABELS[kind]}）不在补贴范围内"]
    limit = rule.max_fuel_displacement_ml
    if kind is NewVehicle.fuel and limit is not None:
        ml = item.fuel_displacement_ml
        if ml is None:
            return ["缺少燃油车排量"]
        if ml > limit:
            return [f"燃油车排量{ml / 1000:.1f}L，超过{limit / 1000:.1f}L"]
    return []


def _ownership(rule: Eligibility, item: ItemAttributes) -> list[str]:
    if rule.owned_before is None:
        return []
    since = item.old_vehicle_owned_since
    limit = rule.owned_before.isoformat()
    if since is None:
        return [f"缺少旧车登记在申请人名下的日期（须早于{limit}）"]
    if since >= rule.owned_before:
        return [f"旧车登记在申请人名下的日期{since.isoformat()}，不早于要求的{limit}"]
    return []


def _flags(rule: Eligibility, item: ItemAttributes) -> list[str]:
    reasons = []
    if rule.residency_required and item.resident is not True:
        reasons.append("申请人须为本地居民（户籍或居住证）")
    if rule.catalogue_required and item.in_catalogue is not True:
        reasons.append("产品须在补贴产品目录内")
    if rule.old_item_handover_required and item.old_item_handed_in is not True:
        reasons.append("须交售旧品")
    for cond in rule.require:
        if item_attr(item, cond.attr) in cond.any_of:
            continue
        if cond.any_of == ["true"]:
            reasons.append(f"须满足：{cond.label}")
        else:
            reasons.append(f"{cond.label}须为{'、'.join(cond.any_of)}之一")
    return reasons


CHECKS: list[Callable[[Eligibility, ItemAttributes], list[str]]] = [
    _grade,
    _price,
    _old_vehicle,
    _new_vehicle,
    _ownership,
    _flags,
]


def check_eligibility(programme: Programme, category: Category, item: ItemAttributes) -> list[str]:
    """Every unmet condition of ``programme`` for ``item`` in ``category`` (empty = eligible)."""
    rule = programme.eligibility_for(category)
    reasons = [reason for check in CHECKS for reason in check(rule, item)]
    if programme.quota is not None:
        limit = programme.quota.limit(category.code)
        if item.prior_claims_in_category >= limit:
            used = item.prior_claims_in_category
            reasons.append(f"{category.name}每人限{limit}件，已享受{used}件")
    return reasons
