"""Serving a model that uses no TensorFlow without loading TensorFlow.

Why: Rasa 3.6 imports TensorFlow at module level along import chains every server takes
(``rasa.core.policies.policy`` -> the tracker featurizers -> ``rasa.nlu.extractors.extractor``
-> ``rasa.utils.train_utils`` -> ``rasa.utils.tensorflow.callback``), whatever the model. This
project's model predicts with its own NLU components and Rasa's rule and memoization policies,
none of which uses TensorFlow, yet the import costs each Rasa worker about 420 MB of resident
memory and two seconds of start. Rasa has no switch for it and no library provides one, so this
module is written here.

How: :func:`serve_without_tensorflow_if_unused` runs in the server's entry point before Rasa is
imported. When the model to be served uses only components listed in ``tensorflow_free.yml``
(or this project's own), it installs an import hook that answers ``import tensorflow`` (and
Keras and the TensorFlow add-ons) with placeholder modules: Rasa's modules import, and define
their classes and decorators, against placeholders. Once the server has loaded its model,
:func:`seal` makes every placeholder strict: anything that still reaches for TensorFlow raises
:class:`TensorFlowNotLoaded` instead of computing with a placeholder. A model with any other
component gets the real TensorFlow, as does every process that trains.

A model activated later through Rasa's API (the studio) must fit the same list; one that needs
TensorFlow fails to load with :class:`TensorFlowNotLoaded` and the server keeps its model until
it is restarted.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import logging
import os
import sys
import tarfile
import types
from collections.abc import Awaitable, Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

logger = logging.getLogger(__name__)

COMPONENTS_FILE = Path(__file__).with_name("tensorflow_free.yml")
#: Top-level packages answered with placeholders.
PLACEHOLDER_PACKAGES = frozenset(
    {
        "tensorflow",
        "keras",
        "tensorflow_text",
        "tensorflow_hub",
        "tensorflow_addons",
        "tensorflow_probability",
        "tensorflow_estimator",
        "tensorboard",
    }
)
#: The setting that loads the real TensorFlow whatever the model (``BOT_TENSORFLOW=load``).
ENV_SWITCH = "BOT_TENSORFLOW"
#: Rasa's default folder of models when ``--model`` is not given.
DEFAULT_MODELS = "models"


class TensorFlowNotLoaded(RuntimeError):
    """Something reached for TensorFlow in a server that serves without it."""


class TensorFlowAttributeNotLoaded(TensorFlowNotLoaded, AttributeError):
    """An attribute of TensorFlow looked up after sealing (an ``AttributeError`` too, so that
    ``hasattr`` and ``getattr(..., default)`` answer as for a missing attribute)."""


class _State:
    sealed = False


class _Decision:
    #: Why this process serves with or without TensorFlow (logged once the server has started).
    reason = "TensorFlow loaded: not decided"


def _refuse(what: str, error: type[TensorFlowNotLoaded] = TensorFlowNotLoaded) -> Exception:
    return error(
        f"{what}: this server runs without TensorFlow because its model uses none "
        f"(bot/ops/tensorflow_free.py); restart it to serve a model that needs TensorFlow, or "
        f"set {ENV_SWITCH}=load"
    )


class _Placeholder(type):
    """The class of every placeholder: itself a class, so Rasa's modules can subclass it."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if _State.sealed:
            raise _refuse(f"{cls.__qualname__}.{name}", TensorFlowAttributeNotLoaded)
        return placeholder(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if _State.sealed:
            raise _refuse(f"{cls.__qualname__}()")
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]  # a decorator: the function stays as it is
        return placeholder(f"{cls.__qualname__}()")

    def __getitem__(cls, item: Any) -> Any:
        return cls

    def __or__(cls, other: Any) -> Any:
        return cls

    def __len__(cls) -> int:  # thinc asks how many GPUs TensorFlow sees
        return 0

    def __iter__(cls) -> Any:
        return iter(())


def placeholder(name: str) -> Any:
    """A new placeholder class named ``name``."""
    return _Placeholder(name, (), {"__qualname__": name, "__module__": "tensorflow"})


class _PlaceholderModule(types.ModuleType):
    #: Read by version checks at import.
    __version__ = "0+placeholder"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        full = f"{self.__name__}.{name}"
        if full in sys.modules:
            return sys.modules[full]
        if _State.sealed:
            raise _refuse(full, TensorFlowAttributeNotLoaded)
        return placeholder(full)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        if _State.sealed:
            raise _refuse(f"import {module.__name__}")


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] in PLACEHOLDER_PACKAGES:
            return importlib.machinery.ModuleSpec(fullname, _Loader(), is_package=True)
        return None


@cache
def _allowed() -> tuple[frozenset[str], tuple[str, ...]]:
    with COMPONENTS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    return frozenset(data["components"]), tuple(data["own_prefixes"])


def needs_tensorflow(components: Iterable[str]) -> list[str]:
    """The components (dotted class paths) not known to predict without TensorFlow."""
    known, own = _allowed()
    return sorted({c for c in components if c not in known and not c.startswith(own)})


def model_to_serve(argv: Sequence[str]) -> Path | None:
    """The model archive ``rasa run`` with ``argv`` would load (its ``--model``, a file or the
    newest archive of a folder, by default ``models``), or None when there is none."""
    given = DEFAULT_MODELS
    for i, arg in enumerate(argv):
        if arg in ("--model", "-m") and i + 1 < len(argv):
            given = argv[i + 1]
        elif arg.startswith("--model="):
            given = arg.split("=", 1)[1]
    path = Path(given)
    if path.is_dir():
        archives = sorted(path.glob("*.tar.gz"), key=os.path.getctime)
        return archives[-1] if archives else None
    return path if path.is_file() else None


def predict_components(model: Path) -> list[str]:
    """The component classes of the model's prediction graph (its ``metadata.json``)."""
    with tarfile.open(model, "r:gz") as archive:
        for member in archive:
            if member.name.lstrip("./") == "metadata.json":
                handle = archive.extractfile(member)
                if handle is None:
                    break
                metadata = json.load(handle)
                return [str(node["uses"]) for node in metadata["predict_schema"]["nodes"].values()]
    raise ValueError(f"{model}: no metadata.json in the model archive")


def install_placeholders() -> None:
    """Answer TensorFlow's imports with placeholders in this process (idempotent)."""
    if active():
        return
    if PLACEHOLDER_PACKAGES & {name.split(".")[0] for name in sys.modules}:
        raise RuntimeError("TensorFlow is already imported: install the placeholders first")
    sys.meta_path.insert(0, _Finder())


def active() -> bool:
    """Whether this process serves without TensorFlow."""
    return any(isinstance(finder, _Finder) for finder in sys.meta_path)


def seal() -> None:
    """From now on, anything that reaches for TensorFlow raises :class:`TensorFlowNotLoaded`."""
    _State.sealed = True


def serve_without_tensorflow_if_unused(argv: Sequence[str], always_load: bool = False) -> bool:
    """Before Rasa is imported: placeholders for TensorFlow when the model to be served uses no
    TensorFlow component (``always_load``: the ``tensorflow: load`` setting). Returns whether
    they were installed (the reason is logged once the server has started)."""
    if always_load:
        _Decision.reason = f"TensorFlow loaded: {ENV_SWITCH}=load"
        return False
    model = model_to_serve(argv)
    if model is None:
        _Decision.reason = "TensorFlow loaded: no model to inspect"
        return False
    try:
        components = predict_components(model)
    except (OSError, ValueError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        _Decision.reason = f"TensorFlow loaded: could not read {model.name} ({error})"
        return False
    missing = needs_tensorflow(components)
    if missing:
        _Decision.reason = f"TensorFlow loaded: {model.name} uses {', '.join(missing)}"
        return False
    install_placeholders()
    _Decision.reason = f"serving {model.name} without TensorFlow: none of its components uses it"
    return True


def listeners() -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """A Sanic listener that logs the decision and, without TensorFlow, seals the placeholders
    once the model is loaded (Rasa loads it before the server starts)."""

    async def decided(_app: Any, _loop: Any = None) -> None:
        if active():
            seal()
        logger.info("tensorflow: %s", _Decision.reason)

    return [(decided, "after_server_start")]
