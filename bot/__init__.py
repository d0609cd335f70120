"""Complaint-handling chatbot framework built on Rasa Open Source 3.6."""

__version__ = "0.1.0"
