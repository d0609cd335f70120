"""The studio's editing commands: the same edits as the pages, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_kind_of_complaint_from_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--project", str(project))
    code, out, _ = _run(capsys, "studio", "intents", *where)
    assert code == 0 and "complain_delivery" in out and "not evaluated yet" in out

    code, _, err = _run(
        capsys,
        "studio", "add-intent", "complain_packaging",
        "--example", "the box was crushed and the tape torn", "--language", "en", *where,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = _run(
        capsys,
        "studio", "add-example", "complain_packaging",
        "kutija iz narudžbe [ORD-4411](order_ref) stigla je zgnječena", "--language", "hr", *where,
    )  # fmt: skip
    assert code == 0, err
    assert "- kutija iz narudžbe [ORD-4411](order_ref) stigla je zgnječena\n" in (
        project / "data/nlu/hr.yml"
    ).read_text(encoding="utf-8")

    code, _, err = _run(
        capsys,
        "studio", "add-response", "utter_packaging_sorry",
        "--en", "Sorry about the packaging.", "--hr", "Žao nam je zbog ambalaže.", *where,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = _run(
        capsys,
        "studio", "set-response", "utter_packaging_sorry", "Жао нам је због амбалаже.",
        "--language", "sr_cyrl", *where,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = _run(capsys, "studio", "responses", "--missing", *where)
    assert "utter_packaging_sorry" in out and "bs,sr_latn" in out

    code, _, err = _run(
        capsys,
        "studio", "add-rule", "packaging complaints get an apology",
        "intent:complain_packaging", "action:utter_packaging_sorry", *where,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = _run(capsys, "studio", "stories", *where)
    assert (
        "rule\tpackaging complaints get an apology\t"
        "intent:complain_packaging > action:utter_packaging_sorry" in out
    )
    code, out, _ = _run(capsys, "studio", "validate", *where)
    assert code == 0 and "project valid" in out


def test_refusals_exit_non_zero_with_rasas_message(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ("--project", str(project))
    before = (project / "data/rules.yml").read_bytes()
    code, _, err = _run(
        capsys, "studio", "add-rule", "bad", "intent:greet", "action:utter_nope", *where
    )
    assert code == 1
    assert "not a valid utterance action" in err
    assert (project / "data/rules.yml").read_bytes() == before
    code, _, err = _run(
        capsys, "studio", "add-example", "greet", "moja narudzba jos nije dosla", *where
    )
    assert code == 1 and "already an example of the intent 'complain_delivery'" in err
    code, _, err = _run(capsys, "studio", "add-rule", "bad", "dance:greet", *where)
    assert code == 1 and "unknown step kind" in err
    (project / "data/rules.yml").write_text(
        before.decode("utf-8") + "- rule: broken\n  steps:\n  - intent: no_such_intent\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "studio", "validate", *where)
    assert code == 1 and "INVALID" in out and "no_such_intent" in err
