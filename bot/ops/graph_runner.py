"""Rasa's prediction graph run in order, without dask's scheduler.

Rasa runs the model's graph (tokenizer, featurisers, intent classifier, policies) through
``dask.get`` twice per customer message and once more per predicted action. dask's synchronous
scheduler is a general task-graph executor: per call it copies the graph, orders it, and
dispatches every node through its own bookkeeping, and Rasa first rebuilds the minimal schema
of the requested targets. For the handful of nodes of a prediction that bookkeeping cost about
a fifth as much CPU as the nodes themselves (``python -m tools.bench.turns``, notes in
``tools/bench/notes.md``).

:class:`SequentialGraphRunner` is Rasa's :class:`DaskGraphRunner` with ``run`` replaced: the
same instantiated nodes, called depth first in dependency order, each once per run, with the
same arguments dask would pass them (``(node name, output)`` pairs; the bare name for a
dependency that nothing provides). Training keeps dask (:mod:`rasa.model_training` is not
touched); only the runner a loaded model predicts with is replaced, by
:func:`bot.rasa_patches.install`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner


class SequentialGraphRunner(DaskGraphRunner):
    """Runs the requested targets' nodes in dependency order on the calling thread."""

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        """The targets' outputs by node name, as :meth:`DaskGraphRunner.run` returns them."""
        given = inputs or {}
        for value in given.values():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of "
                    f"the input names passed to the `run` method are the same as node names "
                    f"in the graph schema."
                )
        nodes = self._graph_schema.nodes
        done: dict[str, Any] = {}

        def output(name: str) -> Any:
            if name in done:
                return done[name]
            if name in given:
                result: Any = (name, given[name])
            elif name in nodes:
                needed = [output(dependency) for dependency in nodes[name].needs.values()]
                try:
                    result = self._instantiated_nodes[name](*needed)
                except RuntimeError as error:
                    raise GraphRunError("Error running runner.") from error
            else:
                result = name  # what dask passes for a key that nothing provides
            done[name] = result
            return result

        wanted = targets if targets else self._graph_schema.target_names
        return dict(output(target) for target in wanted)
