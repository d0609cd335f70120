"""The sequential graph runner (:mod:`bot.ops.graph_runner`) gives dask's results.

The project's trained model is loaded twice, once per runner. Every message of every test story
is parsed by both, and the next action is predicted by both after every event of every test
story and rule: the parses (intent, ranking, entities, language) and the predictions
(probabilities, policy, events) must be the same.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.graph_runner import SequentialGraphRunner
from tests.ops.test_states import STORY_FILES, story_events


def _agent(model: Path, runner: type[DaskGraphRunner], monkeypatch: pytest.MonkeyPatch) -> Agent:
    with monkeypatch.context() as patch:
        patch.setattr("rasa.core.processor.DaskGraphRunner", runner)
        agent = Agent.load(str(model))
    assert isinstance(agent.processor.graph_runner, runner)  # type: ignore[union-attr]
    return agent


@pytest.fixture(scope="module")
def agents(trained_model: Path) -> tuple[Agent, Agent]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return (
            _agent(trained_model, DaskGraphRunner, monkeypatch),
            _agent(trained_model, SequentialGraphRunner, monkeypatch),
        )


def _without_time(event: Any) -> dict[str, Any]:
    return {key: value for key, value in event.as_dict().items() if key != "timestamp"}


def _prediction(agent: Agent, tracker: DialogueStateTracker) -> dict[str, Any]:
    prediction = agent.processor._predict_next_with_tracker(tracker)  # type: ignore[union-attr]
    return {
        "probabilities": prediction.probabilities,
        "policy": prediction.policy_name,
        "events": [_without_time(event) for event in prediction.events],
        "optional_events": [_without_time(event) for event in prediction.optional_events],
        "is_end_to_end": prediction.is_end_to_end_prediction,
    }


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_parses_and_predictions_are_dasks(agents: tuple[Agent, Agent], path: Path) -> None:
    with_dask, sequential = agents
    domain = with_dask.domain
    assert domain is not None
    compared = 0
    for name, events in story_events(domain, path):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            if isinstance(event, UserUttered) and event.text:
                message = UserMessage(event.text, sender_id=name)
                parses = [
                    asyncio.run(agent.processor.parse_message(message))  # type: ignore[union-attr]
                    for agent in agents
                ]
                assert parses[0] == parses[1], event.text
                compared += 1
            tracker.update(event, domain)
            if isinstance(event, (ActionExecuted, UserUttered)):
                assert _prediction(with_dask, tracker) == _prediction(sequential, tracker), name
                compared += 1
    assert compared > 10, path


def test_an_input_named_like_a_node_is_refused(agents: tuple[Agent, Agent]) -> None:
    _, sequential = agents
    runner = sequential.processor.graph_runner  # type: ignore[union-attr]
    node = next(iter(runner._graph_schema.nodes))  # type: ignore[union-attr]
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"__message__": node})
