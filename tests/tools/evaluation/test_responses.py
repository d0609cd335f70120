"""Recognising the bot's replies from domain.yml: the script steps and the reply language."""

from __future__ import annotations

import pytest

from tools.evaluation.responses import Catalogue, Step, load_steps, variants_of


def _when(language: str, script: str | None = None, **more: str) -> list[dict[str, str]]:
    conditions = [{"type": "slot", "name": "language", "value": language}]
    if script:
        conditions.append({"type": "slot", "name": "script", "value": script})
    conditions += [{"type": "slot", "name": k, "value": v} for k, v in more.items()]
    return conditions


RESPONSES = {
    "utter_thank_for_complaint": [
        {"text": "Thank you for telling us."},
        {"text": "Hvala Vam.", "condition": _when("hr")},
        {"text": "Хвала Вам.", "condition": _when("sr", "cyrillic")},
    ],
    "utter_acknowledge": [
        {"text": "Sorry it arrived late.", "condition": _when("en", category="delivery")},
        {"text": "Žao nam je što kasni.", "condition": _when("hr", category="delivery")},
        {
            "text": "Жао нам је што касни.",
            "condition": _when("sr", "cyrillic", category="delivery"),
        },
    ],
    "utter_acknowledge_damaged": [
        {"text": "Sorry it arrived broken.", "condition": _when("en")},
    ],
    "utter_ask_desired_resolution": [
        {"text": "What can we do for you?"},
        {"text": "Što možemo učiniti za Vas?", "condition": _when("hr")},
        {"text": "Шта можемо да урадимо за Вас?", "condition": _when("sr", "cyrillic")},
    ],
    "utter_confirm_desired_resolution": [
        {"text": "We'll look at a {desired_resolution} for you."},
    ],
    "utter_complaint_logged": [
        {"text": "Your ticket is {ticket}; we answer by {due_text}."},
        {"text": "Vaš broj je {ticket}.", "condition": _when("hr")},
    ],
}
STEPS = (
    Step("thank", ("utter_thank_for_complaint",)),
    Step("acknowledge", ("utter_acknowledge*",)),
    Step("ask", ("utter_ask_desired_resolution",), ("utter_confirm_desired_resolution*",)),
)
CATALOGUE = Catalogue(variants_of(RESPONSES), STEPS)

HR = ["Bok!", "Hvala Vam.", "Žao nam je  što kasni.", "Što možemo učiniti za Vas?"]
SR_CYRL = ["Хвала Вам.", "Жао нам је што касни.", "Шта можемо да урадимо за Вас?"]
EN = ["Thank you for telling us.", "Sorry it arrived late.", "What can we do for you?"]


def test_script_followed_in_order_and_in_the_customers_language() -> None:
    assert CATALOGUE.script_followed(HR, "hr", "latin")
    # The same replies for a Serbian Cyrillic customer are in the wrong language and script.
    assert not CATALOGUE.script_followed(HR, "sr", "cyrillic")
    assert CATALOGUE.script_followed(SR_CYRL, "sr", "cyrillic")
    assert not CATALOGUE.script_followed(SR_CYRL, "sr", "latin")


def test_english_script_to_a_croatian_customer_does_not_count() -> None:
    assert CATALOGUE.script_followed(EN, "en", "latin")
    assert not CATALOGUE.script_followed(EN, "hr", "latin")


def test_steps_out_of_order_or_missing_do_not_count() -> None:
    thank, acknowledge, ask = SR_CYRL
    assert not CATALOGUE.script_followed([acknowledge, thank, ask], "sr", "cyrillic")
    assert not CATALOGUE.script_followed([thank, ask], "sr", "cyrillic")
    assert not CATALOGUE.script_followed([], "sr", "cyrillic")
    # Other replies between the steps are allowed.
    assert CATALOGUE.script_followed([thank, "…", acknowledge, ask, "…"], "sr", "cyrillic")


def test_any_acknowledgement_counts_and_a_demand_may_be_confirmed() -> None:
    damaged = ["Thank you for telling us.", "Sorry it arrived broken.", "What can we do for you?"]
    assert CATALOGUE.script_followed(damaged, "en", "latin")
    confirmed = [*EN[:2], "We'll look at a refund for you."]
    assert not CATALOGUE.script_followed(confirmed, "en", "latin")
    assert CATALOGUE.script_followed(confirmed, "en", "latin", wish_given=True)


def test_placeholders_match_filled_in_values() -> None:
    assert CATALOGUE.responses_in("Vaš broj je C-4KX9TR.", "hr", "latin") == {
        "utter_complaint_logged"
    }
    assert CATALOGUE.responses_in("Vaš broj je C-4KX9TR.", "en", "latin") == set()


@pytest.mark.parametrize(
    ("replies", "language", "script", "expected"),
    [
        (HR, "hr", "latin", False),  # "Bok!" is no response of the domain: free text
        (HR[1:], "hr", "latin", True),
        (SR_CYRL, "sr", "cyrillic", True),
        (SR_CYRL, "sr", "latin", False),
        (["Hvala Vam.", "What can we do for you?"], "hr", "latin", False),
        ([], "en", "latin", False),  # no reply at all
    ],
)
def test_reply_language_needs_every_reply_in_a_variant_for_the_customer(
    replies: list[str], language: str, script: str, expected: bool
) -> None:
    assert CATALOGUE.in_language(replies, language, script) is expected


def test_the_real_domain_and_script_file_cover_every_step_in_every_language() -> None:
    catalogue = Catalogue.from_domain()
    steps = load_steps()
    assert [s.name for s in steps] == ["thank", "acknowledge", "ask"]
    for language, script in [
        ("en", "latin"),
        ("hr", "latin"),
        ("bs", "latin"),
        ("sr", "latin"),
        ("sr", "cyrillic"),
    ]:
        for step in steps:
            assert any(
                step.met_by(v.response, wish_given=False) and v.suits(language, script)
                for v in catalogue.variants
            ), (step.name, language, script)


def test_language_family_counts_hr_bs_and_sr_as_one_but_keeps_the_script() -> None:
    catalogue = Catalogue(
        variants_of(
            {
                "utter_noted": [
                    {"text": "Noted.", "condition": _when("en")},
                    {"text": "Dodano.", "condition": _when("hr")},
                    {"text": "Dodato.", "condition": _when("bs")},
                    {"text": "Додато.", "condition": _when("sr", "cyrillic")},
                ]
            }
        ),
        STEPS,
    )
    assert not catalogue.in_language(["Dodano."], "bs", "latin")
    assert catalogue.in_language(["Dodano."], "bs", "latin", family=True)
    assert not catalogue.in_language(["Noted."], "bs", "latin", family=True)
    assert not catalogue.in_language(["Додато."], "bs", "latin", family=True)
    assert catalogue.in_language(["Додато."], "sr", "cyrillic", family=True)


def test_script_in_a_sister_language_counts_only_for_the_family() -> None:
    assert not CATALOGUE.script_followed(HR[1:], "bs", "latin")
    assert CATALOGUE.script_followed(HR[1:], "bs", "latin", family=True)
    assert not CATALOGUE.script_followed(HR[1:], "sr", "cyrillic", family=True)
