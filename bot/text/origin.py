"""Where a message's contact details point: countries and the names in e-mail addresses.

A customer who leaves ``haris.s@bih.net.ba`` or ``+385 91 234 5678`` says where they live,
and often who they are. For the language detector's variant decision
(:mod:`bot.text.language`, ``countries`` in ``bot/text/data/variant_markers.yml``):

* :func:`domain_countries` - the country-code top-level domain of every e-mail or web address
  (``.hr``, ``.ba``, ``.rs``), upper-cased as the country code;
* :func:`phone_countries` - the country of every phone number: its country code when written
  internationally (``+387 61 ...``, ``00381 ...``), else the countries among ``regions`` whose
  numbering plan the number fits (``098 765 4321`` fits only Croatia's, ``062 555 740``
  Bosnia's and Serbia's), read by the ``phonenumbers`` library; only personal numbers count
  (mobile and fixed lines, not premium-rate or shared-cost numbers that a national number
  may happen to match);
* :func:`address_words` - the words of the part before ``@`` (``lejla.begic`` -> ``lejla``,
  ``begic``), where first names are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

_DOMAIN = re.compile(r"(?:@|://|\bwww\.)[\w-]+(?:\.[\w-]+)*\.([a-z]{2})(?![\w-])", re.I)
_LOCAL_PART = re.compile(r"([^\W_][\w.+-]*)@[\w-]+\.", re.I)
_LETTERS = re.compile(r"[^\W\d_]+")
_PERSONAL = frozenset(
    {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
#: A phone number has at least this many digits; fewer and no matcher needs to run.
_MIN_DIGITS = 8


def domain_countries(text: str) -> list[str]:
    """The country codes of the addresses' top-level domains, in order (``["BA"]``)."""
    return [match.group(1).upper() for match in _DOMAIN.finditer(text)]


def address_words(text: str) -> list[str]:
    """The letter runs of each e-mail address's local part (``["lejla", "begic"]``)."""
    return [word for local in _LOCAL_PART.findall(text) for word in _LETTERS.findall(local)]


def phone_countries(text: str, regions: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
    """Each phone number of ``text`` as written, with the countries it may belong to."""
    if sum(char.isdigit() for char in text) < _MIN_DIGITS:
        return []
    found: dict[str, set[str]] = {}
    for region in regions:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
            country = phonenumbers.region_code_for_number(match.number)
            if country and phonenumbers.number_type(match.number) in _PERSONAL:
                found.setdefault(match.raw_string, set()).add(country)
    return [(number, frozenset(countries)) for number, countries in found.items()]
