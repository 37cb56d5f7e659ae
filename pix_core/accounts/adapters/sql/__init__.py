"""Users, login methods and server-side sessions in SQL."""
