"""Desk pages of tickets, mounted under desk/ in the "desk" namespace."""

desk_patterns: list = []
