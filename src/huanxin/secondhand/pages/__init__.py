"""Chinese pages of the secondhand domain, one module per concept; the router includes
them in this order (a path matched by two routes goes to the first)."""

from fastapi import APIRouter

from huanxin.secondhand.pages import dealers, office, trade

router = APIRouter(include_in_schema=False)
router.include_router(dealers.router)
router.include_router(office.router)
router.include_router(trade.router)
