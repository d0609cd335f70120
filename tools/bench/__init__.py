"""``make bench``: load the running stack with simulated customers and measure it.

The modules, one concern each:

* :mod:`bot.bench.stats` — percentiles, throughput and the per-phase summary;
* :mod:`bot.bench.rss` — peak resident memory of process trees, sampled during a run;
* :mod:`bot.bench.scripts` — the customers: complaint conversations per language, and the
  starter bot's mood conversations;
* :mod:`bot.bench.clients` — REST (aiohttp) and socket.io (python-socketio) customers;
* :mod:`bot.bench.load` — the paced and closed-loop load shapes;
* :mod:`bot.bench.ledger` — complaints the customers saw against rows in the database;
* :mod:`bot.bench.stacks` — training and starting our stack and Rasa's starter bot;
* :mod:`bot.bench.report` — the Markdown report and the chart;
* :mod:`bot.bench.run` — the whole benchmark, and :mod:`bot.bench.commands` its CLI command.
"""
