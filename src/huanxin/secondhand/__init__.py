"""Second-hand circulation: dealers, transactions, data-wiping certificates, valuation, credit,
equipment trading and the 公务仓. The equipment ledger plugs into ``ports`` at start-up (an item
sold or disposed through a listing leaves the seller's ledger)."""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "secondhand",
    models=("huanxin.secondhand.models",),
    api=("huanxin.secondhand.routes",),
    pages=("huanxin.secondhand.pages",),
    menu="huanxin.secondhand.nav",
    home="huanxin.secondhand.home:figures",
    commands=(
        Command("secondhand", "huanxin.secondhand.cli:app", "二手流通 second-hand circulation"),
    ),
    demo="huanxin.secondhand.demo:build_demo",
    demo_order=40,
)
