"""Chinese pages of the equipment domain, one module per concept; the router includes
them in this order (a path matched by two routes goes to the first)."""

from fastapi import APIRouter

from huanxin.equipment.pages import calculators, enterprises, items, projects

router = APIRouter(include_in_schema=False)
router.include_router(projects.router)
router.include_router(items.router)
router.include_router(calculators.router)
router.include_router(enterprises.router)
