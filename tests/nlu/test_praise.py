"""PraiseOverComplaint: praise of staff goes before a staff complaint; complaints, sarcasm and
praise followed by a problem keep the classifier's order."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.praise import PraiseOverComplaint, praise_without_complaint

RANKING = [
    {"name": "complain_service_quality", "confidence": 0.5},
    {"name": "praise", "confidence": 0.3},
    {"name": "complain_other", "confidence": 0.2},
]

PRAISE = [
    "the man at your till was really kind to my grandfather",
    "your cashier was so patient with my kids, please thank her",
    "the girl in the shoe department was lovely and helpful",
    "prodavačica je bila jako ljubazna prema mojoj mami",
    "konobar u vašem kafiću bio je strpljiv i susretljiv",
    "дечко на каси је био веома љубазан",
]
NOT_PRAISE = [
    "the man at your till was rude to my grandfather",
    "she wasn't helpful at all",
    "the cashier was kind, but the card reader was broken",
    "wow, forty minutes in the queue, brilliant organisation",
    "what kind of service is this",
    "the friendly assistant promised to call back and nobody did",
    "prodavačica nije bila ljubazna",
    "bravo, tri puta sam zvala i nitko se ne javlja, sjajna usluga",
    "ljubazna gospođa na blagajni me ignorirala deset minuta",
    "kind regards, Ana",
]


def _message(text: str, ranking: list[dict[str, Any]]) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", [dict(entry) for entry in ranking])
    return message


@pytest.mark.parametrize("text", PRAISE)
def test_praise_of_staff_goes_first(text: str) -> None:
    message = _message(text, RANKING)
    PraiseOverComplaint({}).process([message])
    assert message.get(INTENT) == {"name": "praise", "confidence": 0.5}
    assert message.get("intent_ranking") == [
        {"name": "praise", "confidence": 0.5},
        {"name": "complain_service_quality", "confidence": 0.3},
        {"name": "complain_other", "confidence": 0.2},
    ]


@pytest.mark.parametrize("text", NOT_PRAISE)
def test_complaints_and_sarcasm_keep_their_intent(text: str) -> None:
    assert not praise_without_complaint(text)
    message = _message(text, RANKING)
    PraiseOverComplaint({}).process([message])
    assert message.get(INTENT) == RANKING[0]
    assert message.get("intent_ranking") == RANKING


def test_only_staff_complaints_are_reordered() -> None:
    """Praise words in a message the classifier reads as another complaint change nothing."""
    ranking = [{"name": "complain_product_quality", "confidence": 0.6}, *RANKING[1:]]
    message = _message("the lovely sofa arrived scratched", ranking)
    PraiseOverComplaint({}).process([message])
    assert message.get(INTENT) == ranking[0]
