"""Vocabularies of codes shown to people: one label table per vocabulary, and the lookup that
turns what a person typed or picked (the code, the Chinese name, an alias, pinyin or pinyin
initials) back into the code. An entry nobody can match is refused as unknown, naming the
field by its Chinese label, never passed on as a code that quietly matches nothing.

The trade-in categories live here because several domains show them (policy, claims,
integrity); a shipped programme file may not name a category this table lacks (tested).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pypinyin import Style, lazy_pinyin

from huanxin.core.errors import CoreCode, InvalidInput

CATEGORY_LABELS: dict[str, str] = {
    "refrigerator": "电冰箱",
    "washing_machine": "洗衣机",
    "television": "电视",
    "air_conditioner": "空调",
    "computer": "电脑",
    "water_heater": "热水器",
    "household_cooker": "家用灶具",
    "range_hood": "吸油烟机",
    "water_purifier": "净水器",
    "dishwasher": "洗碗机",
    "rice_cooker": "电饭煲",
    "microwave_oven": "微波炉",
    "mobile_phone": "手机",
    "tablet": "平板电脑",
    "smart_watch_band": "智能手表（手环）",
    "smart_glasses": "智能眼镜",
    "passenger_car": "乘用车",
    "car": "汽车",
    "ebike": "电动自行车",
    "lift_installation": "既有住宅加装电梯",
    "elderly_home_adaptation": "居家适老化改造",
    "smart_door_lock": "智能门锁",
    "robot_vacuum": "扫地机器人",
    "smart_toilet": "智能马桶",
    "smart_curtain": "智能窗帘",
    "cotton_picker": "采棉机",
    "sugarcane_harvester": "甘蔗收获机",
    "tractor": "拖拉机",
    "combine_harvester": "联合收割机",
    "diesel_truck": "老旧营运柴油货车",
}

CATEGORY_ALIASES: dict[str, str] = {
    "冰箱": "refrigerator",
    "电视机": "television",
    "彩电": "television",
    "笔记本电脑": "computer",
    "台式电脑": "computer",
    "智能手机": "mobile_phone",
    "平板": "tablet",
    "手表": "smart_watch_band",
    "手环": "smart_watch_band",
    "智能手表": "smart_watch_band",
    "小汽车": "passenger_car",
    "轿车": "passenger_car",
    "电动车": "ebike",
    "电瓶车": "ebike",
    "加装电梯": "lift_installation",
    "适老化改造": "elderly_home_adaptation",
    "燃气灶": "household_cooker",
    "油烟机": "range_hood",
    "抽油烟机": "range_hood",
    "门锁": "smart_door_lock",
    "扫地机": "robot_vacuum",
    "智能坐便器": "smart_toilet",
    "收割机": "combine_harvester",
    "柴油货车": "diesel_truck",
    "货车": "diesel_truck",
}

_SPACES = re.compile(r"[\s\u3000]+")


class UnknownCode(InvalidInput):
    """What was typed or picked is none of the vocabulary's entries."""

    code = CoreCode.UNKNOWN_CODE


def pinyin_of(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text`` (letters only, lower case).

    >>> pinyin_of("电冰箱")
    ('dianbingxiang', 'dbx')
    """
    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL) if s.isalpha()]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


@dataclass(frozen=True)
class Option:
    """One choice offered in a picker: the code, its Chinese name, and its pinyin."""

    code: str
    label: str
    pinyin: str
    initials: str


@dataclass(frozen=True)
class Vocabulary:
    """A label table (code → Chinese name) with aliases, for one field label."""

    field_label: str
    labels: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def label(self, code: str) -> str:
        return self.labels.get(code, code)

    @cached_property
    def options(self) -> list[Option]:
        return [Option(code, name, *pinyin_of(name)) for code, name in self.labels.items()]

    def resolve(self, text: str, *, field: str) -> str:
        """The code for ``text``; :class:`UnknownCode` when it matches no entry or several.

        >>> CATEGORIES.resolve("冰箱", field="category")
        'refrigerator'
        >>> CATEGORIES.resolve("xyj", field="category")
        'washing_machine'
        """
        wanted = _SPACES.sub("", text).strip()
        if not wanted:
            raise InvalidInput(f"请选择{self.field_label}", field=field)
        found = self._exact(wanted) or self._partial(wanted.lower())
        if found is None:
            raise UnknownCode(
                f"{self.field_label}“{text.strip()}”不在可选范围内，请从列表中选择", field=field
            )
        return found

    def _exact(self, wanted: str) -> str | None:
        if wanted.lower() in self.labels:
            return wanted.lower()
        for option in self.options:
            if wanted == option.label or wanted.lower() in (option.pinyin, option.initials):
                return option.code
        return self.aliases.get(wanted)

    def _partial(self, wanted: str) -> str | None:
        hits = {
            o.code for o in self.options if wanted in (o.label + " " + o.pinyin + " " + o.initials)
        }
        hits |= {code for alias, code in self.aliases.items() if wanted in alias}
        return hits.pop() if len(hits) == 1 else None

    def restricted(self, codes: Iterable[str]) -> Vocabulary:
        """The same vocabulary offering only ``codes`` (e.g. the categories in force)."""
        keep = set(codes)
        labels = {c: n for c, n in self.labels.items() if c in keep}
        aliases = {a: c for a, c in self.aliases.items() if c in keep}
        return Vocabulary(self.field_label, labels, aliases)


CATEGORIES = Vocabulary("品类", CATEGORY_LABELS, CATEGORY_ALIASES)

# Small fixed vocabularies several pages show (policy levels, funding layers, confidence).
LEVELS = Vocabulary(
    "层级",
    {"national": "国家", "province": "省级", "city": "市级", "county": "县级"},
)
FUNDING_LAYERS = Vocabulary(
    "资金层级",
    {"central": "中央", "province": "省级", "city": "市级", "county": "县级"},
)
CONFIDENCES = Vocabulary("可信度", {"high": "高", "medium": "中", "low": "低"})
PAYMENT_MODES = Vocabulary("兑付方式", {"point_of_sale": "即时立减", "post_purchase": "事后申请"})

ORG_KINDS = Vocabulary(
    "机构类型",
    {
        "department": "部门",
        "enterprise": "企业",
        "merchant": "商户",
        "recycler": "回收企业",
        "manufacturer": "生产企业",
    },
)

VOCABULARIES: dict[str, Vocabulary] = {
    "category": CATEGORIES,
    "level": LEVELS,
    "layer": FUNDING_LAYERS,
    "confidence": CONFIDENCES,
    "payment_mode": PAYMENT_MODES,
    "org_kind": ORG_KINDS,
}


def label_of(code: object, vocabulary: str) -> str:
    """The Chinese name of ``code`` (an enum member or its value) in the named vocabulary."""
    value = str(getattr(code, "value", code))
    return VOCABULARIES[vocabulary].label(value)
