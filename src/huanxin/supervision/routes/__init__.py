"""API of the supervision domain, one module per concept, assembled under one prefix."""

from fastapi import APIRouter

from huanxin.supervision.routes import mechanism, plans
from huanxin.supervision.routes.common import PREFIX

router = APIRouter(prefix=PREFIX, tags=["supervision"])
router.include_router(plans.router)
router.include_router(mechanism.router)
