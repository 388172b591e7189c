"""Duplicate detection across sentra: the matching engine, review decisions and merges (issue 6)."""
