"""The soak test (``python -m tools.soak``, ``make soak``): see :mod:`tools.soak.run`."""
