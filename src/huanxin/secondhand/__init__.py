"""Second-hand circulation. Importing the package connects the equipment ledger to the
listing hooks (an item sold or disposed through a listing leaves the seller's ledger)."""

from huanxin.equipment import departures as _departures

_departures.connect()
