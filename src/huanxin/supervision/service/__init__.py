"""Rules of the supervision domain: departments, plans, the task ledger, indicators, briefings.

Every function takes ``(session, actor, *, ...)``, flushes but never commits, and records an
audit entry for each mutation.
"""
