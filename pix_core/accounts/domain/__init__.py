"""Users, login methods, the GAR identity and school context, passwords. No I/O."""
