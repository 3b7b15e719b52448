"""Rules of the recycling domain, one module per concern: ``network`` (sites, vehicles,
areas, price lists), ``bookings``, ``dispatching`` (stored plans, live insertion),
``completion`` (weighing, payment, reverse invoice), ``certificates`` (issue, verify,
consume once) and ``flows`` (weighings, mass balance, declaration, indicators)."""

from huanxin.recycling.service.certificates import consume_certificate
from huanxin.recycling.service.flows import indicator_series

__all__ = ["consume_certificate", "indicator_series"]
