"""Trade-in: quotas and their timed releases, point-of-sale redemption, applications, review,
appeals, returns, settlement and the product catalogue; statutory clocks on the official
working-day calendar, reconciliation and merchant statements."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "claims",
    models=("huanxin.claims.models",),
    api=("huanxin.claims.routes",),
    pages=("huanxin.claims.pages",),
    menu="huanxin.claims.nav",
    home="huanxin.claims.home:figures",
    commands=(
        Command(
            "calendar", "huanxin.core.calendar_cli:calendar_app", "法定工作日 official calendar"
        ),
        Command("lottery", "huanxin.claims.cli:lottery_app", "摇号 lottery: record, verify"),
    ),
    demo="huanxin.claims.demo:build",
    demo_order=20,
    benchmarks=("claims", "quota-burst"),
)
