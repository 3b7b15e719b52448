"""Equipment renewal: enterprises, the equipment ledger (import, classification), reports,
the project library, interest subsidies and the investment indicator."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "equipment",
    models=("huanxin.equipment.models",),
    api=("huanxin.equipment.routes",),
    pages=("huanxin.equipment.pages",),
    menu="huanxin.equipment.nav",
    home="huanxin.equipment.home:figures",
    commands=(
        Command("equipment", "huanxin.equipment.cli:app", "设备更新 equipment renewal: template"),
    ),
    demo="huanxin.equipment.demo:build_demo",
    demo_order=30,
    benchmarks=("equipment",),
    wire="huanxin.equipment.departures:wire",
)
