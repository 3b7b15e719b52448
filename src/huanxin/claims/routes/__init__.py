"""API of the trade-in domain, one module per concept, each under /api/v1 (a route's own
path is the full template the metrics and logs name): claims
(quotas, redemption, applications, review, appeals, returns, settlement, catalogue import),
statutory clocks, reconciliation and statements, merchant sites, timed quota releases, the till."""

from fastapi import APIRouter

from huanxin.claims.routes import claims, clocks, recon, releases, sites, till

router = APIRouter()
router.include_router(claims.router)
router.include_router(clocks.router)
router.include_router(recon.router)
router.include_router(sites.router)
router.include_router(releases.router)
router.include_router(till.router)
