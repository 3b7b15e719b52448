"""Rules of the secondhand domain, split by use case (dealers and transactions, wiping,
valuation, credit, equipment trading, the public-institution warehouse)."""
