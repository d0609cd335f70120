"""Test and production-like stacks run on this machine.

* :mod:`tools.stack.cluster` — several Rasa and action servers behind nginx
  (``python -m tools.stack up``); also what the fault tests and the soak test drive.
* :mod:`tools.stack.services` — private Redis and PostgreSQL servers for the fault tests and the
  soak test.
"""
