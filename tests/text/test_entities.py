"""Rule-based entities in every language and script."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from bot.text.entities import EntitySpan, extract_entities, order_words, parse_number

Expected = list[tuple[str, str, str]]  # entity, value, text of the span

CASES: list[tuple[str, Expected]] = [
    # order references
    ("My order ORD-48213 never arrived", [("order_ref", "ORD-48213", "ORD-48213")]),
    ("order #48213 is late", [("order_ref", "48213", "48213")]),
    ("My order number is 48213", [("order_ref", "48213", "48213")]),
    ("my order no.48213 is missing", [("order_ref", "48213", "48213")]),
    ("It's about #48213", [("order_ref", "48213", "48213")]),
    ("ord48213 please", [("order_ref", "ORD-48213", "ord48213")]),
    ("Narudžba 48213 nije stigla", [("order_ref", "48213", "48213")]),
    ("narudzbe br. 48213 jos nema", [("order_ref", "48213", "48213")]),
    ("broj narudžbe je 48213", [("order_ref", "48213", "48213")]),
    ("porudžbina broj 77120 kasni", [("order_ref", "77120", "77120")]),
    ("поруџбина бр. 48213 није стигла", [("order_ref", "48213", "48213")]),
    ("моја поруџбина 48213 касни", [("order_ref", "48213", "48213")]),
    ("narudzba ABC-12345 je ostecena", [("order_ref", "ABC-12345", "ABC-12345")]),
    # other references a customer gives for the purchase, from data/order_references.yml
    ("receipt no. 2231-0098-77", [("order_ref", "2231-0098-77", "2231-0098-77")]),
    ("it's on invoice 55120", [("order_ref", "55120", "55120")]),
    ("booking 31877 was cancelled", [("order_ref", "31877", "31877")]),
    ("račun br. 114-0923, mail", [("order_ref", "114-0923", "114-0923")]),
    ("broj racuna 0455-2231-09", [("order_ref", "0455-2231-09", "0455-2231-09")]),
    ("рекламација 9920 још стоји", [("order_ref", "9920", "9920")]),
    ("broj reklamacije 7731", [("order_ref", "7731", "7731")]),
    # the forms shops give references in: digit groups, slashes, letters with digits, capitals
    ("narudzba 12-4471 je otkazana", [("order_ref", "12-4471", "12-4471")]),
    ("fiskalni račun 5521/3/1 iz Zagreba", [("order_ref", "5521/3/1", "5521/3/1")]),
    ("invoice INV-2025-0088 is wrong", [("order_ref", "INV-2025-0088", "INV-2025-0088")]),
    ("tracking LB903311772DE says delivered", [("order_ref", "LB903311772DE", "LB903311772DE")]),
    ("booking reference QW7TZ3 cancelled", [("order_ref", "QW7TZ3", "QW7TZ3")]),
    ("order 7700123456789 never came", [("order_ref", "7700123456789", "7700123456789")]),
    ("my order (55102) is late", [("order_ref", "55102", "55102")]),
    ("the parcel 3318-77 is stuck", [("order_ref", "3318-77", "3318-77")]),
    ("pošiljka 661203 nije stigla", [("order_ref", "661203", "661203")]),
    ("пошиљка 661203 није стигла", [("order_ref", "661203", "661203")]),
    ("ugovor br. 41-2290 je raskinut", [("order_ref", "41-2290", "41-2290")]),
    ("Order: 5120KD", [("order_ref", "5120KD", "5120KD")]),
    ("porudžbina za patike 42-7719 kasni", [("order_ref", "42-7719", "42-7719")]),
    ("javljam se pod brojem 66120", [("order_ref", "66120", "66120")]),
    # the customer's own older reference: a ticket, case, claim, policy or customer number
    ("any news on ticket 55190?", [("order_ref", "55190", "55190")]),
    ("case no. 44-918 is still open", [("order_ref", "44-918", "44-918")]),
    ("polisa br. 77120 ne vrijedi", [("order_ref", "77120", "77120")]),
    ("korisnički broj 661203, račun je dupli", [("order_ref", "661203", "661203")]),
    ("ref: RTN-5512", [("order_ref", "RTN-5512", "RTN-5512")]),
    # ... and what only looks like one after an order word
    ("the order is open 24/7", []),
    ("order 2 pizzas came cold", []),
    ("booking qwerty12 failed", []),
    ("the package weighed 500g", []),
    ("narudžba od 12/05/2025 nije stigla", []),
    ("order placed 2025-05-12 never came", []),
    ("narudzba za 25000 nije stigla", []),
    ("ugovor na 24 mjeseca", []),
    ("the return policy says 30 days", []),
    ("in that case 2 weeks is too long", []),
    ("narudžba kasni 10-15 dana", []),
    ("order of 100-150 units never came", []),
    # a number word alone before a short number: the answer to "which order?"
    ("Broj je 77120.", [("order_ref", "77120", "77120")]),
    ("br. 88254, hocu plavu", [("order_ref", "88254", "88254")]),
    ("the number is 4471", [("order_ref", "4471", "4471")]),
    # tickets
    ("what about C-4KX9TR?", [("ticket", "C-4KX9TR", "C-4KX9TR")]),
    ("sta je sa c-4kx9tr", [("ticket", "C-4KX9TR", "c-4kx9tr")]),
    ("Шта је са Ц-4КЏ9ТР?", [("ticket", "C-4KX9TR", "Ц-4КЏ9ТР")]),
    ("Шта је са Ц-4КХ9ТР?", [("ticket", "C-4KH9TR", "Ц-4КХ9ТР")]),
    ("prijava CX-ABCDEF", [("ticket", "CX-ABCDEF", "CX-ABCDEF")]),
    # emails
    (
        "pišite mi na Ana.Kovac@Gmail.com hvala",
        [("email", "ana.kovac@gmail.com", "Ana.Kovac@Gmail.com")],
    ),
    (
        "my email is john+shop@mail.example.co.uk.",
        [
            ("email", "john+shop@mail.example.co.uk", "john+shop@mail.example.co.uk"),
        ],
    ),
    # phones
    ("nazovite me na +385 91 234 5678", [("phone", "+385912345678", "+385 91 234 5678")]),
    ("moj broj je 091/234-5678", [("phone", "0912345678", "091/234-5678")]),
    ("zovite me na 060 123 4567", [("phone", "0601234567", "060 123 4567")]),
    ("позовите ме на 064 123 45 67", [("phone", "0641234567", "064 123 45 67")]),
    ("call me at (555) 123-4567", [("phone", "5551234567", "(555) 123-4567")]),
    ("0038761123456 je moj broj", [("phone", "+38761123456", "0038761123456")]),
    ("tel 2345678", [("phone", "2345678", "2345678")]),
    # a UK mobile: a five-digit area code, then six digits
    ("my number is 07911 123456", [("phone", "07911123456", "07911 123456")]),
    ("Ring me. 07700 900461.", [("phone", "07700900461", "07700 900461")]),
    # amounts
    ("Platio sam 49,99 €", [("amount", "49.99 EUR", "49,99 €")]),
    ("120 kn za ništa", [("amount", "120 HRK", "120 kn")]),
    ("platio sam 1.500 dinara", [("amount", "1500 RSD", "1.500 dinara")]),
    ("платио сам 1.500 динара", [("amount", "1500 RSD", "1.500 динара")]),
    ("30 KM je bilo", [("amount", "30 BAM", "30 KM")]),
    ("I paid $25", [("amount", "25 USD", "$25")]),
    ("it was 25 EUR", [("amount", "25 EUR", "25 EUR")]),
    ("vratite mi 25 eura", [("amount", "25 EUR", "25 eura")]),
    ("charged 1,500.50 USD", [("amount", "1500.50 USD", "1,500.50 USD")]),
    ("Platio 2 500 kn", [("amount", "2500 HRK", "2 500 kn")]),
    # several at once, in text order
    (
        "Narudžba 48213: platio sam 49,99 € dvaput, nazovite me na 091 234 5678 ili "
        "ivan@primjer.hr, prijava C-4KX9TR",
        [
            ("order_ref", "48213", "48213"),
            ("amount", "49.99 EUR", "49,99 €"),
            ("phone", "0912345678", "091 234 5678"),
            ("email", "ivan@primjer.hr", "ivan@primjer.hr"),
            ("ticket", "C-4KX9TR", "C-4KX9TR"),
        ],
    ),
    # not entities
    ("dostava 01.05.2024 nije došla", []),
    ("čekam od 12.05.2024.", []),
    ("dostava je 5 km daleko", []),
    ("C-4KX9T1 and C-4KX9T and C-4KX9TRR are no tickets", []),
    ("ORD-482345 is an order", [("order_ref", "ORD-482345", "ORD-482345")]),
    ("čekam 3 dana i 2 sata", []),
    ("2345678", []),
    ("narudžba 250 kn", [("amount", "250 HRK", "250 kn")]),
    # a number word alone never takes a phone number, a long number, a year or a count
    ("moj broj je 0912345678", [("phone", "0912345678", "0912345678")]),
    ("moj broj je 2345678", []),
    ("broj 3 puta sam zvao", []),
    ("reklamacija 2024 jos stoji", []),
    ("the number 2023 was a bad year", []),
    ("racunalo 4500 ne radi", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_extract_entities(text: str, expected: Expected) -> None:
    spans = extract_entities(text)
    assert [(span.entity, span.value, text[span.start : span.end]) for span in spans] == expected


@pytest.mark.parametrize("text", [text for text, _expected in CASES if text])
def test_spans_never_overlap(text: str) -> None:
    spans = extract_entities(text)
    for first, second in pairwise(spans):
        assert first.end <= second.start


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.500", Decimal("1500")),
        ("1,500", Decimal("1500")),
        ("49,99", Decimal("49.99")),
        ("49.99", Decimal("49.99")),
        ("1.500,50", Decimal("1500.50")),
        ("1,500.50", Decimal("1500.50")),
        ("1 500", Decimal("1500")),
        ("25", Decimal("25")),
        ("1.234.567,8", Decimal("1234567.8")),
    ],
)
def test_parse_number(text: str, number: Decimal) -> None:
    assert parse_number(text) == number


def test_entity_span_as_dict() -> None:
    span = EntitySpan("ticket", "C-4KX9TR", 3, 11)
    assert span.as_dict() == {"entity": "ticket", "value": "C-4KX9TR", "start": 3, "end": 11}


@pytest.mark.parametrize(
    "content",
    ["", "reference_words: []\nnumber_words: [broj]\nfillers: [je]\n", "reference_words: order\n"],
)
def test_a_malformed_order_words_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "order_references.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="must be a non-empty list"):
        order_words(path)
