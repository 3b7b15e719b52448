"""Budget ledger: pools (escrow shards), the double-entry journal, its check and burn rate."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "ledger",
    models=("huanxin.ledger.models",),
    api=("huanxin.ledger.routes",),
    pages=("huanxin.ledger.pages",),
    menu="huanxin.ledger.nav",
    home="huanxin.ledger.home:figures",
    commands=(
        Command(
            "ledger", "huanxin.ledger.cli:ledger_app", "预算账本 budget ledger: check, balances"
        ),
    ),
)
