"""Countries and names from the contact details of a message."""

from __future__ import annotations

from bot.text.origin import address_words, domain_countries, phone_countries

REGIONS = ("HR", "BA", "RS")


def test_domain_countries_of_mail_and_web_addresses() -> None:
    text = "pišite na ivana.k@mail.example.hr ili pogledajte www.trgovina.ba/akcija"
    assert domain_countries(text) == ["HR", "BA"]
    assert domain_countries("marko@gmail.com, https://example.org") == []
    assert domain_countries("rok je 3.5 dana") == []


def test_address_words_are_the_local_parts_letters() -> None:
    assert address_words("Moj mail: selma.h_88@gmail.com") == ["selma", "h"]
    assert address_words("bez adrese") == []


def test_international_numbers_carry_their_country() -> None:
    found = dict(phone_countries("zovite +385 91 234 5678 ili 00381 64 123 4567", REGIONS))
    assert found == {"+385 91 234 5678": {"HR"}, "00381 64 123 4567": {"RS"}}


def test_national_numbers_fit_one_or_more_countries() -> None:
    assert dict(phone_countries("098 765 4321", REGIONS)) == {"098 765 4321": {"HR"}}
    assert dict(phone_countries("063 222 444", REGIONS)) == {"063 222 444": {"BA", "RS"}}


def test_premium_rate_lookalikes_and_order_numbers_are_no_phones() -> None:
    # 061 ... is a Croatian premium-rate range and a Bosnian mobile one.
    assert dict(phone_countries("061 345 678", REGIONS)) == {"061 345 678": {"BA", "RS"}}
    assert phone_countries("narudžba 48213, račun 2026-0042", REGIONS) == []
