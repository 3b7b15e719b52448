"""API of the recycling domain, one module per concept, assembled under one prefix."""

from fastapi import APIRouter

from huanxin.recycling.routes import bookings, network

router = APIRouter(prefix="/api/v1", tags=["recycling"])
router.include_router(bookings.router)
router.include_router(network.router)
