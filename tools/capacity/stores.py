"""The tracker stores measured, built from the endpoint configuration as the Rasa server builds
them.

* Rasa's own ``SQLTrackerStore`` (``type: SQL``), the reference row;
* the product's :class:`bot.ops.stores.CachingSQLTrackerStore`, from the ``tracker_store``
  endpoint that :func:`bot.runner.write_endpoints` writes (:func:`bot.ops.endpoints.tracker_store`
  over :func:`bot.runner.tracker_store_config`, with this machine's settings), and made by
  Rasa's own factory (``TrackerStore.create``), as ``rasa run`` does.

Both connect with an ``application_name`` so that the PostgreSQL backends serving them, and
only those, can be found in ``pg_stat_activity``.
"""

from __future__ import annotations

from typing import Any

#: Row labels, the reference first.
RASA_STORE = "Rasa SQLTrackerStore"
PRODUCT_STORE = "CachingSQLTrackerStore"
STORE_KINDS = (RASA_STORE, PRODUCT_STORE)


def store_endpoint(kind: str, database_url: str, application: str) -> dict[str, Any]:
    """The ``tracker_store`` endpoint of ``kind`` for ``database_url``."""
    from bot.ops.endpoints import tracker_store
    from bot.runner import tracker_store_config
    from bot.settings import load_settings

    connection: dict[str, Any] = {
        **tracker_store_config(database_url),
        "query": {"application_name": application},
    }
    if kind == RASA_STORE:
        return connection
    if kind == PRODUCT_STORE:
        return tracker_store(load_settings(), connection)
    raise ValueError(f"unknown tracker store {kind!r}; one of {', '.join(STORE_KINDS)}")


def build_store(kind: str, database_url: str, domain: Any, broker: Any, application: str) -> Any:
    """The tracker store of ``kind``, made by Rasa's factory from its endpoint."""
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    from bot.ops.stores import CachingSQLTrackerStore

    endpoint = EndpointConfig.from_dict(store_endpoint(kind, database_url, application))
    store = TrackerStore.create(endpoint, domain, broker)
    expected = CachingSQLTrackerStore if kind == PRODUCT_STORE else SQLTrackerStore
    # Rasa falls back to an in-memory store, with a warning only, when a class cannot be made
    if type(store) is not expected:
        raise RuntimeError(f"Rasa built {type(store).__name__}, not {expected.__name__}")
    return store
