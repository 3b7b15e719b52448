"""Scheduled jobs: what runs when (``registry``), the runner with its lock and run records
(``service``), the tables (``models``)."""
