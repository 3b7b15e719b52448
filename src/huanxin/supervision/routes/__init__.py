"""API of the supervision domain, one module per concept, each under the domain's prefix."""

from fastapi import APIRouter

from huanxin.supervision.routes import mechanism, plans

# Each module's router carries the whole prefix: an including router's prefix would be missing
# from the route's own template, which metrics and logs label requests by.
router = APIRouter(tags=["supervision"])
router.include_router(plans.router)
router.include_router(mechanism.router)
