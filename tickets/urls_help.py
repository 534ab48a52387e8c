"""Customer pages of tickets, mounted at the root in the "help" namespace."""

help_patterns: list = []
