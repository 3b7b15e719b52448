"""The rules of the equipment domain, split by use case: access (who sees which enterprise),
enterprises, ledger (import and classification), projects (the library), subsidy (贴息) and
indicator (equipment investment against the base year)."""
