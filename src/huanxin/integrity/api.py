"""Public surface of the integrity domain beside its service functions (``service``): the
database scan the nightly job runs, and when its index last folded a day in."""

from huanxin.integrity.cli import scan_database
from huanxin.integrity.state import last_folded

__all__ = ["last_folded", "scan_database"]
