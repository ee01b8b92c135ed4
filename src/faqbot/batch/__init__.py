"""Batch answering: read question files, answer every question in order, write one record each."""
