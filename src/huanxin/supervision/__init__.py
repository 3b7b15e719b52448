"""Supervision: plan import, department directory, task ledger, progress, indicators,
briefings, the working mechanism and the public pages."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "supervision",
    models=("huanxin.supervision.models", "huanxin.supervision.mechanism_models"),
    api=("huanxin.supervision.routes",),
    pages=("huanxin.supervision.pages",),
    menu="huanxin.supervision.nav",
    home="huanxin.supervision.home:figures",
    commands=(
        Command(
            "supervision", "huanxin.supervision.cli:app", "专班台账 task ledger: import, reminders"
        ),
        Command(
            "plan", "huanxin.supervision.cli:plan_app", "实施方案 implementation plans: import"
        ),
    ),
    demo="huanxin.supervision.demo:build_demo",
    demo_order=50,
    benchmarks=("plans",),
)
