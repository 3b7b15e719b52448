"""Federation of provincial deployments through the national registry of keyed hashes.

``registry/`` is the national registry (its own app, database and tables); the rest is
the deployment side: the adapter of the claims port (``service``), the queue and its drain
(``drain``), the review queue of cross-province matches (``matches``), the roll-up
(``rollup``) and the wiring at start-up (``wiring``).
"""
