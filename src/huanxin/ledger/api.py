"""Public surface of the ledger domain beyond ``service``: budget years (``periods``), release
schedules (``tranches``), pacing jobs (``pacing``) and the public budget notice (``notice``)."""

from huanxin.ledger import notice, pacing, periods, tranches

__all__ = ["notice", "pacing", "periods", "tranches"]
