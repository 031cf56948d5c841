"""The course content (bot/core/content.py): the shipped catalog, broken files, limits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.core.content import CARD_TEXT_LIMIT, Card, Catalog, ContentError, Question, load_catalog
from tests.support import DATA_DIR

BROKEN = DATA_DIR / "broken_content"


def test_shipped_content_is_valid_and_rich_enough(catalog: Catalog) -> None:
    assert len(catalog.modules) >= 8
    for module in catalog.modules.values():
        assert len(module.cards) >= 4, module.id
        assert len(module.quiz) >= 5, module.id
        assert module.jp > 0
    # The default agency list: provincial OPDs plus all 35 kabupaten/kota.
    regions = [o for o in catalog.opds.values() if o.kind in ("kabupaten", "kota")]
    assert len(regions) == 35
    assert catalog.opds["3328"].name == "Kabupaten Tegal"


def test_broken_content_lists_every_problem_with_file_and_line() -> None:
    with pytest.raises(ContentError) as info:
        load_catalog(BROKEN)
    lines = [str(p) for p in info.value.problems]
    text = "\n".join(lines)
    module = str(BROKEN / "modules" / "broken-module.yaml")
    assert f"{module}:4: category" in text
    assert f"{module}:5: jp" in text
    assert f"{module}:10: cards.0.text: invalid Telegram HTML: tag <marquee>" in text
    assert f"{module}:12: cards.1.text" in text and "never closed" in text
    assert f"{module}:15: quiz.0.options: options must be unique" in text
    assert f"{module}:17: quiz.0.explanation: explanation may have at most 2 line feeds" in text
    assert f"{module}:18: quiz.1: correct index 5 is out of range" in text
    assert "wrong-name.yaml:1: id 'another-id' must match the file name" in text
    assert "syntax-error.yaml:" in text and "YAML syntax error" in text
    assert "opd.yaml:1: opd: OPD code '3301' appears twice" in text
    assert len(lines) == 10


def test_card_length_is_counted_after_formatting() -> None:
    visible = "a" * CARD_TEXT_LIMIT
    Card(text=f"<b>{visible}</b>")  # markup does not count
    with pytest.raises(ValidationError, match="after formatting"):
        Card(text=visible + "a")


def test_card_html_rules() -> None:
    Card(text='Lihat <a href="https://kpk.go.id">KPK</a> &amp; <i>BerAKHLAK</i>')
    for bad in ["a & b", "1 < 2", "<b>x</i>", "<script>x</script>", '<a href="javascript:x">x</a>']:
        with pytest.raises(ValidationError):
            Card(text=bad)


def test_question_limits() -> None:
    Question(question="q" * 300, options=["a" * 100, "b"], correct=[0, 1], explanation="x" * 200)
    with pytest.raises(ValidationError):
        Question(question="q" * 301, options=["a", "b"], correct=[0])
    with pytest.raises(ValidationError):
        Question(question="q", options=["a" * 101, "b"], correct=[0])
    with pytest.raises(ValidationError):
        Question(question="q", options=["a"], correct=[0])
    with pytest.raises(ValidationError):
        Question(question="q", options=[str(i) for i in range(13)], correct=[0])
    with pytest.raises(ValidationError):
        Question(question="q", options=["a", "b"], correct=[0], explanation="x" * 201)
