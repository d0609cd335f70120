"""The bad-input corpus: the YAML files in ``corpus/`` plus generated cases, and the routes of
the real Rasa app (built from ``credentials.yml`` exactly as ``rasa run`` builds it)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT

CORPUS = Path(__file__).resolve().parent / "corpus"
ONE_MB = 1024 * 1024


def _load(name: str) -> dict:
    data = YAML(typ="safe").load((CORPUS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data, name
    return data


@lru_cache(maxsize=1)
def strings() -> dict[str, str]:
    """Hostile short texts (fit in a URL)."""
    return {str(key): str(value) for key, value in _load("strings.yaml").items()}


@lru_cache(maxsize=1)
def messages() -> dict[str, str]:
    """Hostile chat messages: the strings plus big and odd generated ones."""
    generated = {
        "one_megabyte": "x" * ONE_MB,
        "one_megabyte_words": ("My parcel never arrived. " * (ONE_MB // 25 + 1))[:ONE_MB],
        "just_over_limit": "a" * 5001,
        "emoji_flood": "😡" * 4000,
        "emoji_flood_over_limit": "📦🔥" * 20_000,
        "emoji_zwj_sequences": "👩‍👩‍👧‍👦" * 500,
        "lone_surrogate": "broken \ud800 text \udfff",
        "many_lines": "\n".join(["line"] * 2000),
    }
    return {**strings(), **generated}


@dataclass(frozen=True)
class Body:
    name: str
    data: bytes
    content_type: str = "application/json"

    @property
    def may_be_accepted(self) -> bool:
        """Whether a lenient route could read this body as an empty or valid request (an
        empty body, a JSON object or a form), rather than having to refuse it."""
        if not self.data.strip() or self.content_type != "application/json":
            return True
        try:
            value = json.loads(self.data)
        except (ValueError, RecursionError):
            return False
        return value is None or isinstance(value, dict)


@lru_cache(maxsize=1)
def bodies() -> list[Body]:
    """Malformed request bodies: the YAML ones plus generated ones."""
    cases = [
        Body(
            str(name),
            str(spec["body"]).encode("utf-8"),
            spec.get("content_type", "application/json"),
        )
        for name, spec in _load("bodies.yaml").items()
    ]
    cases += [
        Body("deep_array_100k", b"[" * 100_000 + b"]" * 100_000),
        Body("deep_object_50k", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
        Body("deep_unclosed", b'{"message": ' + b"[" * 200_000),
        Body("invalid_utf8", b'{"sender": "ana", "message": "\xff\xfe\xc3\x28 bad"}'),
        Body("latin1_body", '{"sender": "ana", "message": "žalba"}'.encode("latin-1", "replace")),
        Body("bom_prefix", b'\xef\xbb\xbf{"sender": "ana", "message": "hi"}'),
        Body(
            "lone_surrogate_escape",
            b'{"sender": "ana\\ud800", "message": "\\udfff hi", "text": "\\ud800"}',
        ),
        Body("nul_escape", b'{"sender": "a\\u0000b", "message": "\\u0000", "text": "\\u0000"}'),
        Body(
            "one_megabyte_json",
            json.dumps({"sender": "ana", "message": "x" * ONE_MB, "text": "x" * ONE_MB}).encode(),
        ),
        Body("binary_noise", bytes(range(256)) * 64, "application/octet-stream"),
    ]
    return cases


def path_values() -> dict[str, str]:
    """Values for route parameters (``<ticket>``, ``<name>``, ``<sender_id>``...), URL-quoted."""
    values = {name: quote(text, safe="") for name, text in strings().items() if text}
    values["raw_traversal"] = "..%2F..%2F..%2Fetc%2Fpasswd"
    values["very_long"] = "A" * 4000
    values["percent_nul"] = "%00"
    values["bad_percent"] = "%zz%"
    return values


def query_strings() -> list[str]:
    """Hostile query strings for GET routes."""
    texts = [quote(text, safe="") for text in strings().values()]
    keys = ("limit", "status", "q", "sender_id", "next", "stream", "page")
    cases = [f"{key}={texts[index % len(texts)]}" for index, key in enumerate(keys)]
    cases += [
        "limit=-1",
        "limit=99999999999999999999",
        "limit=1e9",
        "status=open&status=closed&status=%00",
        "q=" + "%25" * 3000,
        "sender_id=%27%20OR%201%3D1%20--",
        "next=https%3A%2F%2Fevil.example%2F",
        "next=%2F%2Fevil.example",
        "stream=true&stream=false",
        "%zz=%zz",
        "&&&===",
    ]
    return cases


# --------------------------------------------------------------------------- routes

_PARAM = re.compile(r"<([^:>]+)(?::[^>]+)?>")


@dataclass(frozen=True)
class Route:
    path: str  # with Sanic's <name:type> placeholders, leading slash
    methods: tuple[str, ...]

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)

    def concrete(self, value: str) -> str:
        return _PARAM.sub(lambda _: value, self.path)

    @property
    def is_staff(self) -> bool:
        return self.path.startswith(("/api", "/console", "/studio"))


@lru_cache(maxsize=1)
def app_routes() -> tuple[Route, ...]:
    """Every HTTP route of the Rasa server as ``rasa run --credentials credentials.yml`` builds
    it (Rasa's root, the REST and socket.io channels, widget, console, API, studio)."""
    from rasa.core.run import configure_app, create_http_input_channels

    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    app = configure_app(channels, enable_api=False, use_uvloop=False)
    routes: dict[str, set[str]] = {}
    for route in app.router.routes:
        path = "/" + route.path.strip("/")
        routes.setdefault(path, set()).update(
            method for method in route.methods if method not in ("OPTIONS", "HEAD")
        )
    return tuple(Route(path, tuple(sorted(methods))) for path, methods in sorted(routes.items()))
