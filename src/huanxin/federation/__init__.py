"""Federation of provincial deployments through the national registry of keyed hashes.

``registry/`` is the national registry (its own app, database and tables); the rest is
the deployment side: the adapter of the claims port (``service``), the queue and its drain
(``drain``), the review queue of cross-province matches (``matches``), the roll-up
(``rollup``) and the wiring at start-up (``wiring``).
"""

from huanxin.core.domain import Command, Domain

DOMAIN = Domain(
    "federation",
    models=("huanxin.federation.models",),
    pages=("huanxin.federation.pages",),
    menu="huanxin.federation.nav",
    commands=(
        Command(
            "registry", "huanxin.federation.cli:registry_app", "全国补贴登记中心 national registry"
        ),
        Command(
            "federation",
            "huanxin.federation.cli:federation_app",
            "跨省协同 registry: drain, publish",
        ),
    ),
    benchmarks=("federation",),
)
