"""Recycling: network, address book, bookings, dispatch, pickups, certificates, reverse
invoices, weighings, mass balance, declarations and indicators."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "recycling",
    models=("huanxin.recycling.models",),
    api=("huanxin.recycling.routes",),
    pages=("huanxin.recycling.pages",),
    menu="huanxin.recycling.nav",
    home="huanxin.recycling.home:figures",
    commands=(
        Command(
            "dispatch", "huanxin.recycling.cli:dispatch_app", "调度 dispatch: solve VRPTW instances"
        ),
        Command("recycling", "huanxin.recycling.cli:app", "回收 recycling: plan-day, demo"),
    ),
    demo="huanxin.recycling.demo:build_demo",
    demo_order=10,
    benchmarks=("dispatch",),
)
