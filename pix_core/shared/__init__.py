"""What every context uses: the base domain error, rate limiting, and the web kit
(session cookie, security headers, the one error → HTTP table, health, metrics, base
template and stylesheet). Imports no context."""
