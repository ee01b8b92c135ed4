"""Matching: the index over an intents folder, the tuning, and the ranking of intents for a question."""
