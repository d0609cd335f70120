"""What the bot does with a customer's turn: the glue between the NLU output, the escalation
policy and the complaint store. Rasa-free, so the actions stay thin and this stays testable."""
