"""Evaluation: coverage tests, self-check, reports and the review of unanswered questions."""
