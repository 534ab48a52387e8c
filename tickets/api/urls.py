"""Ticket API routes, mounted under api/ in the "api" namespace."""

api_patterns: list = []
