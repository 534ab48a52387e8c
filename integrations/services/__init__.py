"""Writes of the platform connection, by topic: keys, customer context in, sign-in."""
