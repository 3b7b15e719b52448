"""Public surface of the claims domain beside its service functions (``service``) and ports
(``ports``): the Chinese labels of claim states, and the sales world (``sales_world``: a
database of quotas and pools served by real workers) that the failover drill and the
benchmarks build."""

from huanxin.claims import sales_world
from huanxin.claims.states import LABELS

__all__ = ["LABELS", "sales_world"]
