"""Integrity services: stored scores and holds (``scores``), reviewer decisions (``review``),
dashboard, precision and merchant reports (``reports``)."""
