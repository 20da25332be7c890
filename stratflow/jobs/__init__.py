"""Scheduler set-up and thin job functions."""
