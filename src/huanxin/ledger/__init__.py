"""Budget ledger: pools per budget year (escrow shards), the double-entry journal, its check
and burn rate, release schedules, pauses, forecast and alerts, the year's end."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "ledger",
    models=("huanxin.ledger.models",),
    api=("huanxin.ledger.routes",),
    pages=("huanxin.ledger.pages", "huanxin.ledger.journal_pages"),
    menu="huanxin.ledger.nav",
    home="huanxin.ledger.home:figures",
    commands=(
        Command(
            "ledger", "huanxin.ledger.cli:ledger_app", "预算账本 budget ledger: check, balances"
        ),
        Command(
            "simulate",
            "huanxin.ledger.cli:simulate_app",
            "模拟 simulations: pacing (a budget year)",
        ),
    ),
)
