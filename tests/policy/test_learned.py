"""The escalation reasons learned from bot/policy/examples: examples, explanations, look-alikes.

The sentences here are not in the examples files: they check that the models generalise to
new wording, in English and in Croatian, Bosnian and Serbian (either script), and that the
look-alikes the issue names ("charged twice", "list my reminders") stay quiet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import ConversationContext, MessageSignals, assess, learned
from bot.policy.anger import anger_explanation
from bot.settings import Settings, load_settings


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


FIRES = [
    ("anger", "you are all completely useless clowns"),
    ("anger", "kakva ste vi bagra od firme"),
    ("anger", "доста ми је ваших лажи"),
    ("repeat", "I have already complained about this twice and heard nothing"),
    ("repeat", "ovo vam pišem već četvrti put zbog istog problema"),
    ("repeat", "javljao sam se prošle sedmice zbog ovoga i niko se nije javio"),
    ("money", "I want the money returned to my card"),
    ("money", "vratite mi pare za ovu kuhinjsku vagu"),
    ("money", "очекујем да ми вратите уплаћени износ"),
    ("legal", "I will take you to court over this"),
    ("legal", "podnijet ću tužbu sudu"),
]

QUIET = [
    ("anger", "what is the weather going to be on Saturday"),
    ("anger", "pokaži mi podsjetnike"),
    ("repeat", "I tried to pay three times and it failed"),
    ("repeat", "kurir je dvaput zvonio na vrata"),
    ("money", "the lamp cost twenty euros"),
    ("money", "ne treba mi novac nazad, samo pošaljite novi"),
    ("legal", "my neighbour is a lawyer"),
]


@pytest.mark.parametrize(("reason", "text"), FIRES)
def test_learned_reason_fires_on_new_wording(reason: str, text: str) -> None:
    prediction = learned.predict(text)[reason]
    assert prediction.probability >= 0.5, prediction


@pytest.mark.parametrize(("reason", "text"), QUIET)
def test_look_alikes_stay_below_the_threshold(reason: str, text: str) -> None:
    prediction = learned.predict(text)[reason]
    assert not prediction.fires, prediction


def test_indirect_money_demand_escalates_with_the_model_in_the_explanation(
    settings: Settings,
) -> None:
    decision = assess(
        MessageSignals("I expect every cent of it back"), ConversationContext(), settings
    )
    assert "money" in decision.reasons
    assert "learned money signal" in decision.explanations["money"]


def test_counted_actions_are_no_repeat(settings: Settings) -> None:
    for text in ("I pressed the pay button twice", "the courier rang twice", "list my reminders"):
        decision = assess(MessageSignals(text), ConversationContext(), settings)
        assert decision.reasons == (), (text, decision.explanations)


def test_explanation_names_the_model_and_telling_words() -> None:
    labels = anger_explanation("kakva ste vi bagra od firme, sramota")
    learned_labels = [label for label in labels if label.startswith("learned anger signal")]
    assert learned_labels, labels
    prediction = learned.predict("kakva ste vi bagra od firme, sramota")["anger"]
    assert prediction.words and all(word not in ("ste", "vi", "od") for word in prediction.words)


def test_examples_files_load_and_have_both_language_families() -> None:
    reasons, neutral = learned.load_examples()
    assert set(reasons) == set(learned.LEARNED_REASONS)
    assert neutral
    assert learned.check_examples() == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("reason: anger\nthreshold: 0.8\nfires: {en: [a]}\n", "look_alikes"),
        ("reason: anger\nthreshold: 2\nfires: {en: [a]}\nlook_alikes: {en: [b]}\n", "threshold"),
        ("reason: money\nthreshold: 0.8\nfires: {en: [a]}\nlook_alikes: {en: [b]}\n", "reason"),
        ("reason: anger\nthreshold: 0.8\nfires: {de: [a]}\nlook_alikes: {en: [b]}\n", "fires"),
        ("reason: anger\nthreshold: 0.8\nfires: {en: [1]}\nlook_alikes: {en: [b]}\n", "fires"),
        ("[not, a, mapping]\n", "mapping"),
    ],
)
def test_malformed_examples_are_reported(tmp_path: Path, content: str, problem: str) -> None:
    for path in learned.EXAMPLES_DIR.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "anger.yml").write_text(content, encoding="utf-8")
    problems = learned.check_examples(tmp_path)
    assert len(problems) == 1 and problem in problems[0], problems


@pytest.mark.parametrize(
    "text",
    ["ivo.s@hotmail.com", "ORD-48213", "+385 91 234 5678", "C-4KX9TR", "48213!!", "k"],
)
def test_a_message_of_codes_alone_is_read_as_nothing(text: str) -> None:
    """The contact or order answer has no words for a reason model: every probability is 0
    (an e-mail address alone read 0.8 angry, near the threshold of 0.9)."""
    assert learned.only_codes(text)
    assert all(p.probability == 0.0 for p in learned.predict(text).values())


def test_codes_beside_words_are_left_out_of_what_the_models_read() -> None:
    """The same words with another e-mail address or number read the same."""
    first = learned.predict("you can reach me at marko.s@gmail.com or 091 234 5678")
    second = learned.predict("you can reach me at ana.k@example.hr or 098 765 4321")
    assert {r: p.probability for r, p in first.items()} == {
        r: p.probability for r, p in second.items()
    }
    assert not learned.only_codes("moj mail je ivo.s@hotmail.com")
