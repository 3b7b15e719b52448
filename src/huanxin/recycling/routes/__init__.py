"""API of the recycling domain, one module per concept, each under ``/api/v1``."""

from fastapi import APIRouter

from huanxin.recycling.routes import bookings, network

# Each module's router carries the prefix: an including router's prefix would be missing
# from the route's own template, which metrics and logs label requests by.
router = APIRouter(tags=["recycling"])
router.include_router(bookings.router)
router.include_router(network.router)
