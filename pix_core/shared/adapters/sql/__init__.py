"""The attempt counters of the rate limits, shared by every worker."""
