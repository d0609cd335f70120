"""Personal data is masked in logs: in the running Rasa and action servers' real log output
(the stack runs with LOG_LEVEL=DEBUG, where Rasa logs every message), and in any record of a
process where :func:`bot.logmask.install` ran."""

from __future__ import annotations

import io
import logging
import time

import pytest
import requests

from bot.logmask import MaskingFilter, install, mask
from tests.hostile.conftest import HostileStack

EMAIL = "marta.secret@example.com"
PHONE = "+385 91 555 0199"
CARD = "4111 1111 1111 1111"
IBAN = "HR1210010051863000160"
MESSAGE = f"My card {CARD} was charged twice, IBAN {IBAN}, write to {EMAIL} or call {PHONE}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"mail {EMAIL} now", "mail [email] now"),
        (f"call {PHONE}", "call [phone]"),
        ("mob 091/234-5678", "mob [phone]"),
        (f"card {CARD}", "card [card]"),
        ("card 4111-1111-1111-1112", "card 4111-1111-1111-1112"),  # fails Luhn: no card
        (f"iban {IBAN}", "iban [iban]"),
        ("ticket C-4KX9TR, order ORD-48213, 49,99 EUR on 12.03.2024", None),
        ('{"confidence": 0.9876543210123456, "ts": 1700000000.25}', None),  # no card, no phone
    ],
)
def test_mask(text: str, expected: str | None) -> None:
    assert mask(text) == (text if expected is None else expected)


def test_the_installed_filter_masks_messages_arguments_and_tracebacks() -> None:
    install()
    install()  # idempotent
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.hostile.logmask")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.info("customer wrote %r", MESSAGE)
        try:
            raise ValueError(f"bad contact {EMAIL}")
        except ValueError:
            logger.exception("failed for %s", PHONE)
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    for secret in (EMAIL, PHONE, CARD, IBAN):
        assert secret not in output
    assert output.count("[email]") == 2 and "[card]" in output and "[iban]" in output
    assert "ValueError: bad contact [email]" in output


def test_a_bad_format_string_is_still_logged() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d %d", ("a",), None)
    assert MaskingFilter().filter(record) is True


def test_the_running_servers_log_messages_with_personal_data_masked(
    hostile_stack: HostileStack,
) -> None:
    res = requests.post(
        f"{hostile_stack.base}/webhooks/rest/webhook",
        json={"sender": "log-check", "message": MESSAGE},
        timeout=120,
    )
    assert res.status_code == 200
    time.sleep(1)
    log = hostile_stack.log_text()
    assert "log-check" in log, "the server did not log the conversation at all"
    masked_lines = [line for line in log.splitlines() if "log-check" in line or "[email]" in line]
    assert any("[email]" in line for line in masked_lines)
    for secret in (EMAIL, PHONE, CARD, IBAN, "marta.secret"):
        assert secret not in log, secret
