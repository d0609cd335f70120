"""Does training on the dev sets generalise? Cross-validation by set, at the NLU level.

``python -m tools.evaluation crossval-dev`` trains the project's NLU pipeline (``config.yml``)
on ``data/nlu`` without the examples :mod:`tools.evaluation.dev_training` took from the dev
sets (the baseline), then once per dev set on everything but that set's examples, and measures
each dev set's category accuracy on its complaint first messages with a category: the intent
``complain_<category>`` from the model that never saw the set, against the baseline's. A set
is held out whole, so a gain is what independent writers' texts teach about other writers.

The NLU level leaves out what the dialogue adds to the category (the full evaluation's figure
on the same set is higher); both models are read the same way, so the difference is the
training data's. About 1.5 minutes of training per model on two cores.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools.evaluation.dev_training import example_key, trainable
from tools.evaluation.duplicates import NLU_DIR
from tools.evaluation.sets import MESSAGE, Item, load_set

DEV_SETS: tuple[str, ...] = ("dev", "dev2", "dev3", "dev4")


@dataclass(frozen=True)
class Fold:
    """One held-out dev set: category accuracy without any dev set, and without this one."""

    held_out: str
    items: int
    baseline: int
    trained_on_others: int


def set_texts(name: str) -> set[str]:
    """The casefolded texts that ``train-on-dev`` takes from set ``name``."""
    return {
        text.casefold()
        for by_intent in trainable(load_set(name).items).values()
        for texts in by_intent.values()
        for text in texts
    }


def write_training_data(left_out: set[str], target: Path, nlu_dir: Path = NLU_DIR) -> int:
    """Copy the NLU files to ``target`` without the examples in ``left_out``; how many were
    left out."""
    target.mkdir(parents=True, exist_ok=True)
    dropped = 0
    for path in sorted(nlu_dir.glob("*.yml")):
        kept: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            if example_key(line) in left_out:
                dropped += 1
                continue
            kept.append(line)
        (target / path.name).write_text("".join(kept), encoding="utf-8")
    return dropped


def train_nlu(data: Path, out: Path, name: str, config: Path) -> Path:
    """Train the NLU model of ``config`` on ``data``; the model file."""
    subprocess.run(
        [
            sys.executable, "-m", "rasa", "train", "nlu", "--nlu", str(data), "-c", str(config),
            "--out", str(out), "--fixed-model-name", name, "--quiet",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out / f"{name}.tar.gz"


def scored_items(name: str) -> list[Item]:
    return [
        item
        for item in load_set(name).items
        if item.kind == MESSAGE and item.complaint and item.category is not None
    ]


async def _correct(model: Path, items: list[Item]) -> int:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    correct = 0
    for item in items:
        parsed = await agent.parse_message(item.turns[0])
        correct += parsed["intent"]["name"] == f"complain_{item.category}"
    return correct


def run_crossval(config: Path, work: Path | None = None) -> list[Fold]:
    """Train the baseline and one model per held-out dev set; the folds."""
    with tempfile.TemporaryDirectory() as scratch:
        root = work or Path(scratch)
        texts = {name: set_texts(name) for name in DEV_SETS}
        every = set().union(*texts.values())
        write_training_data(every, root / "data-baseline")
        baseline = train_nlu(root / "data-baseline", root / "models", "baseline", config)
        folds: list[Fold] = []
        for name in DEV_SETS:
            items = scored_items(name)
            others = set().union(*(texts[other] for other in DEV_SETS if other != name))
            data = root / f"data-without-{name}"
            write_training_data(every - others, data)
            model = train_nlu(data, root / "models", f"without-{name}", config)
            folds.append(
                Fold(
                    held_out=name,
                    items=len(items),
                    baseline=asyncio.run(_correct(baseline, items)),
                    trained_on_others=asyncio.run(_correct(model, items)),
                )
            )
        return folds


def markdown_table(folds: list[Fold]) -> str:
    lines = [
        "| held-out set | complaints | category, no dev set trained | trained on the other three |",
        "|---|---|---|---|",
    ]
    for fold in folds:
        lines.append(
            f"| {fold.held_out} | {fold.items} | {fold.baseline / fold.items:.3f} "
            f"| {fold.trained_on_others / fold.items:.3f} |"
        )
    return "\n".join(lines)
