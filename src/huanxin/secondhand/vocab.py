"""The fixed vocabularies of the secondhand domain: categories, the usability grading scale,
wipe methods, credit scoring parameters, and the plain-string views of the listing and disposal
lifecycles (``states.py``).

Usability grading scale (OURS, no national standard is transcribed here; the five steps follow
the 成色 notation the trade commonly uses, and group standards such as T/SZEIA 013-2023 for
phones could replace it once adopted locally):

- ``A`` 准新（99新）: no visible wear, every function works, battery/consumables ≥ 90 %.
- ``B`` 良好（95新）: light wear visible on inspection, every function works.
- ``C`` 一般（9成新）: obvious wear, every function works.
- ``D`` 较差（8成新及以下）: heavy wear or a minor function fault disclosed to the buyer.
- ``E`` 残次（功能缺陷/拆件）: major function faults; sold for repair or parts.
"""

from __future__ import annotations

from huanxin.secondhand.states import DISPOSALS, LISTINGS

CATEGORIES: dict[str, str] = {
    "phone": "手机",
    "tablet": "平板电脑",
    "computer": "计算机",
    "car": "二手车",
    "appliance": "家电",
    "other": "其他",
}
DATA_BEARING = frozenset({"phone", "tablet", "computer"})

GRADES: dict[str, str] = {
    "A": "A 准新（99新）",
    "B": "B 良好（95新）",
    "C": "C 一般（9成新）",
    "D": "D 较差（8成新及以下）",
    "E": "E 残次（功能缺陷/拆件）",
}
GRADE_SCALE_SOURCE = "本平台自定五级成色量表（非国家标准）"

DEALER_KINDS: dict[str, str] = {
    "dealer": "二手经营者",
    "platform": "交易平台",
    "valuer": "第三方评估机构",
}
DIRECTIONS: dict[str, str] = {"acquire": "收购", "resale": "转售"}

# NIST SP 800-88 Rev. 1, "Guidelines for Media Sanitization", section 2.5: Clear (logical
# overwrite), Purge (e.g. cryptographic or block erase, resisting laboratory recovery),
# Destroy (the media can no longer be used).
WIPE_METHODS: dict[str, str] = {
    "clear": "清除（Clear，逻辑覆写）",
    "purge": "清除净化（Purge，加密擦除/块擦除）",
    "destroy": "物理销毁（Destroy）",
}

# Credit scoring rule (ours). Start at 100 points; events of the last 365 days deduct:
CREDIT_START = 100
CREDIT_WINDOW_DAYS = 365
CREDIT_DEDUCTIONS: dict[tuple[str, str], int] = {
    ("complaint", "upheld"): 5,  # 投诉经核实成立
    ("dispute", "dealer_at_fault"): 8,  # 纠纷经调处认定经营者责任
    ("violation", "normal"): 20,  # 一般违规（按 severity）
    ("violation", "serious"): 40,  # 严重违规
    ("fulfilment", "breached"): 5,  # 未按约定履约
}
CREDIT_GRADES: list[tuple[int, str]] = [(90, "A"), (75, "B"), (60, "C")]  # else D
CREDIT_OUTCOMES: dict[str, dict[str, str]] = {
    "complaint": {"pending": "待处理", "upheld": "成立", "rejected": "不成立"},
    "dispute": {
        "pending": "待调处",
        "dealer_at_fault": "经营者责任",
        "dealer_not_at_fault": "非经营者责任",
        "mediated": "调解结案",
    },
    "violation": {"confirmed": "已认定"},
    "fulfilment": {"fulfilled": "按约履行", "breached": "未按约履行"},
}
CREDIT_KINDS: dict[str, str] = {
    "complaint": "投诉",
    "dispute": "纠纷",
    "violation": "违规",
    "fulfilment": "履约",
}

# Valuation: minimum sample and confidence levels by sample size and relative MAD (bp of median).
MIN_SAMPLE = 5
CONFIDENCE_RULES: list[tuple[str, int, int]] = [  # (level, min n, max MAD/median in bp)
    ("high", 20, 1500),
    ("medium", 10, 3000),
    ("low", MIN_SAMPLE, 10_000_000),
]
CONFIDENCE_LABELS = {"high": "高", "medium": "中", "low": "低", "none": "样本不足"}

# The lifecycles live in states.py; these are their plain-string views.
LISTING_STATES: dict[str, str] = {s.value: t for s, t in LISTINGS.labels.items()}
LISTING_MOVES: dict[str, frozenset[str]] = {
    s.value: frozenset(m.value for m in moves) for s, moves in LISTINGS.moves.items() if moves
}
LISTING_OPEN = frozenset({"listed", "under_offer", "agreed", "in_storage", "in_transport"})
LISTING_LEFT = frozenset({"delivered", "disposed"})  # the item has left the seller

WAREHOUSE_CATEGORIES: dict[str, str] = {
    "computer": "计算机",
    "printer": "打印机",
    "phone": "电话机",
    "camera": "照相摄影机",
    "projector": "投影仪",
    "air_conditioner": "空调",
    "tablet": "平板电脑",
    "other": "其他",
}
WAREHOUSE_DATA_BEARING = frozenset({"computer", "phone", "tablet", "printer", "camera"})
WAREHOUSE_STATES: dict[str, str] = {s.value: t for s, t in DISPOSALS.labels.items()}
WAREHOUSE_ROUTES: dict[str, str] = {
    "transfer": "调剂给其他公共机构",
    "auction": "公开拍卖",
    "recycle": "交有资质回收企业回收",
    "destroy": "数据销毁后报废",
}
