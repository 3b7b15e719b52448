"""Chinese pages of the trade-in domain, one module per concept; the router includes
them in this order (a path matched by two routes goes to the first)."""

from fastapi import APIRouter

from huanxin.claims.pages import claims, clocks, recon, releases, sites, till

router = APIRouter(include_in_schema=False)
router.include_router(claims.router)
router.include_router(clocks.router)
router.include_router(recon.router)
router.include_router(sites.router)
router.include_router(releases.router)
router.include_router(till.router)
