"""Second-hand circulation. Importing the package connects the equipment ledger to the
listing hooks (an item sold or disposed through a listing leaves the seller's ledger)."""

from huanxin.core.domain import Command, Domain
from huanxin.equipment import departures as _departures

_departures.connect()

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
