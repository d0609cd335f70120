"""Text utilities shared by the NLU components, the escalation policy and the actions.

Nothing here imports Rasa, so it can be used (and tested) without a trained model.
"""
