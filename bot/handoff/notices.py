"""What the customer is told about a complaint that is with the team, in their language and
script (texts in ``bot/handoff/data/notices.yml``).

**Waiting for a person.** A customer who writes while the complaint waits in the queue is always
answered (:func:`choose_waiting_notice`):

* ``full``: the message was added, the complaint is with the team, and the promised time in
  words. Said the first time after the hand-over (or after a return to the queue), again when
  the last full notice is older than :data:`FULL_AGAIN_AFTER`, and to every status question
  ("any news about my fridge?", a question mark, ``data/status_cues.yml``).
* ``overdue``: the full notice once the promised time has passed with no answer, with an
  apology instead of a promise that is already broken.
* ``short``: "added to your complaint" in between, so three lines in a row do not get the same
  paragraph three times.

While an agent holds the conversation (claimed it, and the presence sweep has not returned it to
the queue) the bot says nothing: the agent's own replies are the answer, and a notice from the
bot in between would talk over them. The customer was told who joined when the agent took over.

**Hand-over events.** :func:`notice` words the take-over, the hand-back, the resolution with its
outcome (plus the out-of-court notice of a refusal where the jurisdiction asks for one), and the
satisfaction question.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from bot.text.fold import fold
from bot.text.languages import languages, load_texts

DATA = Path(__file__).with_name("data")
NOTICES_FILE = DATA / "notices.yml"
STATUS_CUES_FILE = DATA / "status_cues.yml"

#: A customer who comes back after this long is told the whole notice again.
FULL_AGAIN_AFTER = timedelta(minutes=30)
#: The complaint event that keeps each notice (its text, shown to agents in the transcript).
NOTICE_EVENT = "message_bot"
FULL, OVERDUE, SHORT = "full", "overdue", "short"
WAITING_KEYS = {FULL: "waiting_full", OVERDUE: "waiting_overdue", SHORT: "waiting_short"}
#: Outcomes (bot.store.tables.OUTCOMES) with a text of their own.
OUTCOME_KEYS = {
    "accepted": "resolved_accepted",
    "partially_accepted": "resolved_partially_accepted",
    "refused": "resolved_refused",
    "withdrawn": "resolved_withdrawn",
}


@cache
def texts() -> dict[str, dict[str, str]]:
    """Every notice, by key and registry code (checked against bot/languages.yml)."""
    return load_texts(NOTICES_FILE)


@cache
def _status_pattern() -> re.Pattern[str]:
    raw = YAML(typ="safe").load(STATUS_CUES_FILE.read_text(encoding="utf-8"))
    cues = raw.get("cues") if isinstance(raw, dict) else None
    if not isinstance(cues, list) or not all(isinstance(cue, str) and cue for cue in cues):
        raise ValueError(f"{STATUS_CUES_FILE.name}: expected `cues:` with a list of words")
    alternatives = "|".join(re.escape(fold(cue)) for cue in sorted(set(cues), key=len))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def is_status_question(text: str) -> bool:
    """Whether the customer asks how the complaint is going (any script, with or without
    diacritics)."""
    return "?" in text or bool(_status_pattern().search(fold(text)))


def notice(key: str, language: str | None, script: str | None, **values: str) -> str:
    """The notice ``key`` for the customer's ``language`` and ``script`` slots (a language
    without its own text gets its fallback's), with ``values`` filled in."""
    registry = languages()
    entry = registry.for_slots(language, script)
    return registry.text(texts()[key], entry).format(**values)


def choose_waiting_notice(
    *,
    text: str,
    now: datetime,
    last_full_at: datetime | None,
    due_at: datetime,
    answered: bool,
) -> str:
    """``full``, ``overdue`` or ``short`` for a customer's message while the complaint waits in
    the queue (see the module's docstring). ``last_full_at``: the last full (or overdue) notice
    since the conversation went to the queue, if any; ``answered``: a person has replied."""
    full = (
        last_full_at is None or now - last_full_at >= FULL_AGAIN_AFTER or is_status_question(text)
    )
    if not full:
        return SHORT
    return OVERDUE if now >= due_at and not answered else FULL


def resolution_notices(
    status: str,
    outcome: str | None,
    out_of_court: bool,
    language: str | None,
    script: str | None,
    ticket: str,
) -> list[str]:
    """What the customer is told when the complaint is resolved (with the outcome, when the
    agent recorded one) or closed; a refusal adds the out-of-court notice when the
    jurisdiction asks for it (``out_of_court``)."""
    if status == "closed" and outcome is None:
        key = "closed"
    else:
        key = OUTCOME_KEYS.get(outcome or "", "resolved")
    said = [notice(key, language, script, ticket=ticket)]
    if outcome == "refused" and out_of_court:
        said.append(notice("out_of_court", language, script))
    return said
