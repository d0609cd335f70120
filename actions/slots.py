"""The global slot action: runs after every customer message, before the bot answers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from bot.text.language import FROM_PAGE, NO_EVIDENCE_BELOW, SOURCE
from bot.text.languages import languages

#: Below this detection confidence a message keeps the conversation's language ("ok", "da").
MIN_LANGUAGE_CONFIDENCE = 0.4
#: The same for the session's first message. Before it the slot holds only its initial value
#: (English), which no evidence supports: a short first message the detector reads as BCS
#: ("bok", "login ne radi", "jesi ti bot?") is answered in BCS. An English or neutral one
#: ("ok", "C-4KX9TR") is detected as English and changes nothing, unless the widget sent the
#: page's language (the detection's ``source`` is then ``page``).
MIN_FIRST_LANGUAGE_CONFIDENCE = NO_EVIDENCE_BELOW


def first_message(tracker: Tracker) -> bool:
    """Whether the latest message is the customer's first of the session and the
    ``language`` slot has not been set yet."""
    messages = 0
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "session_started":
            break
        if kind == "slot" and event.get("name") == "language":
            return False
        if kind == "user":
            messages += 1
    return messages <= 1


class ValidateSlotMappings(ValidationAction):
    """Keeps ``language``/``script`` in step with the customer and counts misunderstandings."""

    #: The domain's ``slots`` and the global slots among them, kept (see :meth:`global_slots`).
    _kept_global_slots: tuple[Any, list[str]] | None = None

    def global_slots(self, domain: DomainDict) -> list[str]:
        """rasa_sdk's list of the slots without a form condition, worked out once per domain.

        rasa_sdk asks for it again for every slot it extracts (``_extract_slot`` calls
        ``domain_slots`` per slot), each time scanning every slot's mappings: quadratic in the
        domain's slots, on every customer message. The answer depends only on the domain's
        ``slots``, which Rasa hands to actions run in its process as the same object while the
        model is loaded, so it is kept for that object; a call over HTTP brings a new object and
        is worked out as before.
        """
        slots = domain.get("slots", {})
        kept = self._kept_global_slots
        if kept is None or kept[0] is not slots:
            kept = (slots, super().global_slots(domain))
            self._kept_global_slots = kept  # one assignment: a reader sees one whole pair
        return list(kept[1])

    def _detection(self, tracker: Tracker) -> dict[str, Any]:
        detection = (tracker.latest_message or {}).get("language")
        return detection if isinstance(detection, dict) else {}

    def _confident(self, tracker: Tracker) -> bool:
        confidence = self._detection(tracker).get("confidence")
        if not isinstance(confidence, (int, float)):
            return False
        if first_message(tracker):
            from_page = self._detection(tracker).get(SOURCE) == FROM_PAGE
            return from_page or confidence >= MIN_FIRST_LANGUAGE_CONFIDENCE
        return confidence >= MIN_LANGUAGE_CONFIDENCE

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        code = self._detection(tracker).get("code")
        if code in languages().slots and self._confident(tracker):
            return {"language": code}
        return {}

    async def extract_script(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        script = self._detection(tracker).get("script")
        if script in languages().scripts and self._confident(tracker):
            return {"script": script}
        return {}

    async def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Checked in :meth:`extract_language`; without this method rasa_sdk logs a warning for
        every customer message."""
        return {"language": value}

    async def validate_script(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Checked in :meth:`extract_script` (see :meth:`validate_language`)."""
        return {"script": value}

    async def extract_failed_understandings(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback" and tracker.get_slot("failed_understandings"):
            return {"failed_understandings": 0}
        return {}
