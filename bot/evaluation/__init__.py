"""Measuring the bot: cross-validation now; the held-out evaluation builds on it."""
