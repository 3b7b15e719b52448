"""Operations: health and readiness, metrics, structured logs, backup and restore, scheduled
jobs, key rotation and the PostgreSQL failover drill."""
