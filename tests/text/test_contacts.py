"""Contacts as customer keys: e-mail addresses normalised, phones in E.164 (``phonenumbers``)."""

from __future__ import annotations

import pytest

from bot.text.contacts import contact_key, normalize_email, normalize_order, normalize_phone


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        # Croatian mobile, as people write it
        ("091 234 5678", "HR", "+385912345678"),
        ("091/234-5678", "HR", "+385912345678"),
        ("+385 91 234 5678", "HR", "+385912345678"),
        ("00385 91 234 5678", "HR", "+385912345678"),
        ("+385912345678", None, "+385912345678"),
        ("(091) 234 5678", "HR", "+385912345678"),
        # the same national digits mean another number in Serbia or Bosnia and Herzegovina
        ("060 123 4567", "RS", "+381601234567"),
        ("061 123 456", "BA", "+38761123456"),
        ("+387 61 123 456", "HR", "+38761123456"),
        # an international number wins over the region
        ("+1 (555) 123-4567", "RS", "+15551234567"),
        # Croatian full-width digits (NFKC) and blanks around
        ("  ０９１ ２３４ ５６７８ ", "HR", "+385912345678"),
        # not a phone number
        ("091 234 5678", None, None),
        ("12", "HR", None),
        ("tomorrow", "HR", None),
        ("", "HR", None),
        ("ana@example.com", "HR", None),
        ("+385 91\n234 5678", "HR", None),
        ("9" * 400, "HR", None),
    ],
)
def test_phone_numbers_become_e164(typed: str, region: str | None, e164: str | None) -> None:
    assert normalize_phone(typed, region) == e164


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Ana.Kovac@Example.COM", "ana.kovac@example.com"),
        ("  <ana@example.hr>  ", "ana@example.hr"),
        ("ana+complaints@example.com", "ana+complaints@example.com"),
        ("ana@example", None),
        ("ana@@example.com", None),
        ("ana example@example.com", None),
        ("ana@example..com", None),
        ("ana@example.com\r\nBcc: x@evil.test", None),
        ("@example.com", None),
        (None, None),
        (b"ana@example.com", None),
    ],
)
def test_email_addresses_are_normalised(typed: object, key: str | None) -> None:
    assert normalize_email(typed) == key


def test_a_contact_is_an_address_or_a_phone() -> None:
    assert contact_key("ANA@example.com", "HR") == ("email", "ana@example.com")
    assert contact_key("091 234 5678", "HR") == ("phone", "+385912345678")
    assert contact_key("call me maybe", "HR") is None


def test_order_references_are_upper_case_keys() -> None:
    assert normalize_order(" ord-48213 ") == "ORD-48213"
    assert normalize_order("48213") == "48213"
    assert normalize_order("   ") is None
    assert normalize_order("x" * 200) is None
