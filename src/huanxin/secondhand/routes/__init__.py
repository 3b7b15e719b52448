"""API of the secondhand domain, one module per concept, assembled under one prefix."""

from fastapi import APIRouter

from huanxin.secondhand.routes import dealers, trade

router = APIRouter(prefix="/api/v1", tags=["secondhand"])
router.include_router(dealers.router)
router.include_router(trade.router)
