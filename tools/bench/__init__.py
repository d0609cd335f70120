"""``make bench``: load the running stack with simulated customers and measure it.

The modules, one concern each:

* :mod:`tools.bench.stats` — percentiles, throughput and the per-phase summary;
* :mod:`tools.bench.rss` — peak resident memory of process trees, sampled during a run;
* :mod:`tools.bench.scripts` — the customers: complaint conversations per language, and the
  starter bot's mood conversations;
* :mod:`tools.bench.clients` — REST (aiohttp) and socket.io (python-socketio) customers;
* :mod:`tools.bench.load` — the paced and closed-loop load shapes;
* :mod:`tools.bench.ledger` — complaints the customers saw against rows in the database;
* :mod:`tools.bench.stacks` — training and starting our stack and Rasa's starter bot;
* :mod:`tools.bench.report` — the Markdown report and the chart;
* :mod:`tools.bench.run` — the whole benchmark, and :mod:`tools.bench.__main__` its CLI command.
"""
