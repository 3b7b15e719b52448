"""Trade-in services, split by use case: quotas, redemption, review, returns, settlement."""
