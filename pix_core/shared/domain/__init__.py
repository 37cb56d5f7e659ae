"""Rules every context shares: the base domain error, attempt limits. No I/O."""
