"""The course content (bot/core/content.py): the shipped catalog, broken files, limits."""

from __future__ import annotations

import struct
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.core.content import (
    CARD_MAX_WORDS,
    CARD_TEXT_LIMIT,
    Card,
    Catalog,
    Module,
    Question,
    reading_seconds,
)
from bot.core.content_loader import ContentError, load_catalog, load_content
from tests.support import DATA_DIR

BROKEN = DATA_DIR / "broken_content"


def test_shipped_agencies(catalog: Catalog) -> None:
    # The default agency list: provincial OPDs plus all 35 kabupaten/kota.
    regions = [o for o in catalog.opds.values() if o.kind in ("kabupaten", "kota")]
    assert len(regions) == 35
    assert catalog.opds["3328"].name == "Kabupaten Tegal"


def test_broken_content_lists_every_problem_with_file_and_line() -> None:
    with pytest.raises(ContentError) as info:
        load_content(BROKEN, today=date(2026, 12, 1))
    lines = [str(p) for p in info.value.problems]
    text = "\n".join(lines)
    module = str(BROKEN / "modules" / "broken-module.yaml")
    assert f"{module}:4: category" in text
    assert f"{module}:13: cards.0.text: invalid Telegram HTML: tag <marquee>" in text
    assert f"{module}:15: cards.1.text" in text and "never closed" in text
    assert f"{module}:20: quiz.0.options: options must be unique" in text
    assert f"{module}:22: quiz.0.explanation: explanation may have at most 2 line feeds" in text
    assert f"{module}:23: quiz.1: correct index 5 is out of range" in text
    assert "wrong-name.yaml:1: id 'another-id' must match the file name" in text
    assert "syntax-error.yaml:" in text and "YAML syntax error" in text
    assert "opd.yaml:1: opd: OPD code '3301' appears twice" in text
    # The honest-minutes rules: the time claimed, the old JP field, the pool, the sources.
    assert "inflated.yaml:5: minutes 45 exceed the estimated learning time 0.7" in text
    assert "legacy-jp.yaml:5: jp: jp is no longer set by hand" in text
    assert "bad-pool.yaml:13: quiz: question q1 names card 4; there are 1" in text
    assert "no-sources.yaml:1: reviewed: Field required" in text
    assert "no-sources.yaml:1: sources: Field required" in text
    assert len(lines) == 14


def _module(**changes: object) -> dict[str, object]:
    """A valid module as YAML data, with ``changes``."""
    words = " ".join(["kata"] * 100)
    data: dict[str, object] = {
        "id": "contoh",
        "version": 1,
        "title": "Contoh",
        "category": "teknis",
        "minutes": 1,
        "summary": "Ringkasan.",
        "reviewed": "2026-06-01",
        "sources": [{"title": "UU Nomor 20 Tahun 2023", "ref": "Pasal 49"}],
        "ask": 2,
        "cards": [{"title": "Satu", "text": words}, {"title": "Dua", "text": words}],
        "quiz": [
            {
                "id": f"q{i}",
                "card": 1 + i % 2,
                "question": f"Pertanyaan {i}?",
                "options": ["Ya", "Tidak"],
                "correct": [0],
                "explanation": "Karena.",
            }
            for i in range(3)
        ],
    }
    data.update(changes)
    return data


def test_the_estimate_counts_reading_and_questions() -> None:
    module = Module.model_validate(_module())
    # 200 words plus the two one-word card titles at 200 words a minute, and two questions of
    # 40 seconds each.
    assert module.reading_seconds == reading_seconds(202) == 61
    assert module.estimated_minutes == pytest.approx((61 + 2 * 40) / 60)
    assert module.allowed_minutes == 2  # 2.35 minutes with the 10% tolerance, rounded down
    with_scenarios = Module.model_validate(
        _module(
            quiz=[
                {**q, "scenario": " ".join(["kasus"] * 60)}
                for q in _module()["quiz"]  # type: ignore[attr-defined]
            ]
        )
    )
    # 60 scenario words a question, read at the same pace, for each question asked.
    assert with_scenarios.estimated_minutes == pytest.approx((61 + 2 * (40 + 18)) / 60)


def test_the_time_rule_refuses_minutes_above_the_tolerance(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (tmp_path / "opd.yaml").write_text(
        'opd:\n  - {code: "3328", name: "Kabupaten Tegal", kind: kabupaten}\n'
    )
    (modules / "contoh.yaml").write_text(yaml.safe_dump(_module(minutes=2)))
    assert load_catalog(tmp_path).modules["contoh"].minutes == 2
    (modules / "contoh.yaml").write_text(yaml.safe_dump(_module(minutes=3)))
    with pytest.raises(ContentError, match=r"contoh.yaml:\d+: minutes 3 exceed"):
        load_catalog(tmp_path)


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (tmp_path / "opd.yaml").write_text(
        'opd:\n  - {code: "3328", name: "Kabupaten Tegal", kind: kabupaten}\n'
    )
    quiz = _module()["quiz"]
    assert isinstance(quiz, list)
    one_card = [{**q, "card": 1} for q in quiz]
    short = _module(cards=[{"text": "Kartu pendek."}], quiz=one_card, reviewed="2024-01-31")
    (modules / "contoh.yaml").write_text(yaml.safe_dump(short))
    loaded = load_content(tmp_path, today=date(2026, 12, 1), review_months=12)
    warnings = [str(w) for w in loaded.warnings]
    assert any("last reviewed 2024-01-31, over 12 months ago" in w for w in warnings)
    assert any("card 1 has 2 words" in w for w in warnings)
    assert any("the pool has 3 questions" in w for w in warnings)
    assert any("0 of 3 questions are scenarios" in w for w in warnings)
    # Reviewed within the window: no review warning.
    fresh = load_content(tmp_path, today=date(2024, 6, 1), review_months=12)
    assert not any("last reviewed" in str(w) for w in fresh.warnings)


def test_a_review_date_in_the_future_is_refused(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    modules.mkdir()
    (tmp_path / "opd.yaml").write_text(
        'opd:\n  - {code: "3328", name: "Kabupaten Tegal", kind: kabupaten}\n'
    )
    (modules / "contoh.yaml").write_text(yaml.safe_dump(_module(reviewed="2027-01-01")))
    with pytest.raises(ContentError, match="reviewed is a date in the future"):
        load_content(tmp_path, today=date(2026, 12, 1))


def test_pool_rules() -> None:
    with pytest.raises(ValidationError, match="ask is 4, but the pool holds 3"):
        Module.model_validate(_module(ask=4))
    quiz = _module()["quiz"]
    assert isinstance(quiz, list)
    with pytest.raises(ValidationError, match="question ids must be unique"):
        Module.model_validate(_module(quiz=[quiz[0], {**quiz[1], "id": "q0"}]))
    with pytest.raises(ValidationError, match="the same question appears twice"):
        Module.model_validate(_module(quiz=[quiz[0], {**quiz[0], "id": "other"}]))


def test_images_are_checked_for_format_and_size(tmp_path: Path) -> None:
    modules, images = tmp_path / "modules", tmp_path / "images"
    modules.mkdir()
    images.mkdir()
    (tmp_path / "opd.yaml").write_text(
        'opd:\n  - {code: "3328", name: "Kabupaten Tegal", kind: kabupaten}\n'
    )
    cards = _module()["cards"]
    assert isinstance(cards, list)
    with_image = [{**cards[0], "image": "images/contoh-1.png"}, cards[1]]
    (modules / "contoh.yaml").write_text(yaml.safe_dump(_module(cards=with_image)))
    with pytest.raises(ContentError, match=r"image images/contoh-1\.png not found"):
        load_catalog(tmp_path)
    (images / "contoh-1.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(ContentError, match="is not a PNG or JPEG"):
        load_catalog(tmp_path)
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 2000, 100)
    (images / "contoh-1.png").write_bytes(header + b"\x00" * 16)
    with pytest.raises(ContentError, match="is 2000x100 px"):
        load_catalog(tmp_path)
    (images / "contoh-1.png").write_bytes(header[:16] + struct.pack(">II", 800, 600) + b"\x00" * 16)
    assert load_catalog(tmp_path).modules["contoh"].cards[0].image == "images/contoh-1.png"


def test_card_length_is_counted_after_formatting() -> None:
    visible = "a" * CARD_TEXT_LIMIT  # one long word: the word limit does not apply
    Card(text=f"<b>{visible}</b>")  # markup does not count
    with pytest.raises(ValidationError, match="after formatting"):
        Card(text=visible + "a")


def test_card_html_rules() -> None:
    Card(text='Lihat <a href="https://kpk.go.id">KPK</a> &amp; <i>BerAKHLAK</i>')
    for bad in ["a & b", "1 < 2", "<b>x</i>", "<script>x</script>", '<a href="javascript:x">x</a>']:
        with pytest.raises(ValidationError):
            Card(text=bad)


def test_question_limits() -> None:
    base = {"id": "q1", "card": 1, "explanation": "x"}
    Question.model_validate(
        {**base, "question": "q" * 300, "options": ["a" * 100, "b"], "correct": [0, 1]}
    )
    Question.model_validate(
        {**base, "question": "q", "options": ["a", "b"], "correct": [0], "scenario": "s" * 1024}
    )
    bad = [
        {"question": "q" * 301, "options": ["a", "b"], "correct": [0]},
        {"question": "q", "options": ["a" * 101, "b"], "correct": [0]},
        {"question": "q", "options": ["a"], "correct": [0]},
        {"question": "q", "options": [str(i) for i in range(13)], "correct": [0]},
        {"question": "q", "options": ["a", "b"], "correct": [0], "explanation": "x" * 201},
        {"question": "q", "options": ["a", "b"], "correct": [0], "scenario": "s" * 1025},
        {"question": "q", "options": ["a", "b"], "correct": [0], "scenario": "<b>x"},
        {"question": "q", "options": ["Ya", "ya"], "correct": [0]},
        {"question": "q", "options": ["a", "b"], "correct": [0], "id": "Q 1"},
    ]
    for changes in bad:
        with pytest.raises(ValidationError):
            Question.model_validate({**base, **changes})


def test_a_card_over_the_word_limit_is_refused() -> None:
    Card(text=" ".join(["kata"] * CARD_MAX_WORDS))
    with pytest.raises(ValidationError, match="one idea per card"):
        Card(text=" ".join(["kata"] * (CARD_MAX_WORDS + 1)))
    with pytest.raises(ValidationError, match="a card with an image"):
        Card(text="x" * 901, image="images/a-1.png")
