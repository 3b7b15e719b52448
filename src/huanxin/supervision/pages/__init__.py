"""Chinese pages of the supervision domain, one module per concept; the router includes
them in this order (a path matched by two routes goes to the first)."""

from fastapi import APIRouter

from huanxin.supervision.pages import (
    bodies,
    bulletins,
    checkpoints,
    ledger,
    meetings,
    plans,
    public,
    visits,
)

router = APIRouter(include_in_schema=False)
router.include_router(ledger.router)
router.include_router(checkpoints.router)
router.include_router(bodies.router)
router.include_router(meetings.router)
router.include_router(visits.router)
router.include_router(bulletins.router)
router.include_router(public.router)
router.include_router(plans.router)
