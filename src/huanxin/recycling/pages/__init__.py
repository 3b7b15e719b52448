"""Chinese pages of the recycling domain, one module per concept; the router includes
them in this order (a path matched by two routes goes to the first)."""

from fastapi import APIRouter

from huanxin.recycling.pages import addresses, bookings, flows, network, pickups

router = APIRouter(include_in_schema=False)
router.include_router(bookings.router)
router.include_router(pickups.router)
router.include_router(flows.router)
router.include_router(network.router)
router.include_router(addresses.router)
