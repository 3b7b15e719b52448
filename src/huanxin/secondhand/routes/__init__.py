"""API of the secondhand domain, one module per concept, each under ``/api/v1``."""

from fastapi import APIRouter

from huanxin.secondhand.routes import dealers, trade

# Each module's router carries the prefix: an including router's prefix would be missing
# from the route's own template, which metrics and logs label requests by.
router = APIRouter(tags=["secondhand"])
router.include_router(dealers.router)
router.include_router(trade.router)
