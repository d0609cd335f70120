"""The trainer studio: editing the Rasa project (examples, responses, stories, rules) with
round-trip YAML, optimistic concurrency and Rasa's own validator before every write.

The web pages are in :mod:`bot.web.studio`; the command line in :mod:`bot.cli.studio_commands`
and :mod:`bot.cli.studio_ops_commands`.
"""
