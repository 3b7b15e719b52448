"""Trade-in: quotas, point-of-sale redemption, applications, review, appeals, returns,
settlement and the product catalogue."""

from huanxin.core.domain import Domain

DOMAIN = Domain(
    "claims",
    models=("huanxin.claims.models",),
    api=("huanxin.claims.routes", "huanxin.claims.site_routes"),
    pages=("huanxin.claims.pages", "huanxin.claims.site_pages"),
    menu="huanxin.claims.nav",
    demo="huanxin.claims.demo:build",
    demo_order=20,
    benchmarks=("claims",),
)
