"""Fixed vocabularies of the equipment domain: sectors, project stages, funding sources,
document types and the flag kinds, each with its Chinese label."""

from __future__ import annotations

from huanxin.equipment.states import PROJECTS

SECTORS: dict[str, str] = {
    "industry": "工业",
    "buildings": "建筑和市政",
    "transport": "交通运输",
    "agriculture": "农业",
    "education": "教育",
    "culture_tourism": "文化旅游",
    "health": "医疗卫生",
}

# The lifecycle of a renewal project in the dynamic project library, in order.
STAGES: dict[str, str] = {s.value: t for s, t in PROJECTS.labels.items()}  # states.py
STAGE_ORDER: tuple[str, ...] = tuple(STAGES)
# Stages an enterprise may move its own project into; the rest need equipment:manage.
ENTERPRISE_STAGES = frozenset({"applied", "building", "completed"})
STAGE_DATE_FIELD: dict[str, str] = {
    "planning": "planned_on",
    "applied": "applied_on",
    "approved": "approved_on",
    "building": "started_on",
    "completed": "completed_on",
}

FUNDING: dict[str, str] = {
    "bonds_fen": "超长期特别国债",
    "central_fen": "中央预算内投资",
    "local_fen": "地方财政资金",
    "loan_fen": "银行贷款",
}

DOC_TYPES: dict[str, str] = {
    "feasibility": "可行性研究报告",
    "approval": "批复文件",
    "contract": "设备采购合同",
    "invoice": "发票",
    "acceptance": "竣工验收报告",
    "scrap_proof": "旧设备报废证明",
    "photo": "现场照片",
    "other": "其他",
}

FLAG_KINDS: dict[str, str] = {
    "elimination": "淘汰清单",
    "renewal_candidate": "更新改造对象",
    "safety_assessment": "安全评估到期",
}

SUBSIDY_STATUS: dict[str, str] = {
    "submitted": "待审核",
    "approved": "已批准",
    "rejected": "已驳回",
}
REPAYMENTS: dict[str, str] = {
    "equal_principal": "等额本金（按月）",
    "bullet": "到期一次还本（按月付息）",
}
