"""``/ulas`` (spaced review) and "latihan kesalahan" (practice of a failed attempt's mistakes),
both as native quiz polls like the module quiz; and the one handler of every poll vote."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot import texts
from bot.core.callbacks import CardButton, MenuButton, PracticeButton, QuizButton, RecallButton
from bot.core.telegram_html import escape
from bot.services.review_outcomes import (
    PRACTICE,
    AnswerOutcome,
    ReviewPollSpec,
    SessionResult,
    StartOutcome,
    StartResult,
)
from bot.telegram.context import BotContext
from bot.texts import review as t
from handlers import quiz
from handlers.commands import command
from handlers.common import answer_query, reply, send, toast, user_id
from handlers.keyboards import button, markup

# The result message stays within Telegram's 4096 characters whatever a session holds.
MISSED_BUDGET = 3000
CARD_BUTTONS = 5


def _today(context: BotContext) -> date:
    return context.services.clock().astimezone(context.services.settings.tz).date()


async def send_review_question(context: BotContext, chat_id: int, spec: ReviewPollSpec) -> None:
    poll_id, message_id = await quiz.send_poll(context, chat_id, spec)
    await context.services.spaced.register_poll(spec, poll_id, chat_id, message_id)


@command("ulas", rank=25)
async def review(update: Update, context: BotContext) -> None:
    await open_review(update, context)


async def on_recall(update: Update, context: BotContext, data: RecallButton) -> None:
    await open_review(update, context)


async def open_review(update: Update, context: BotContext) -> None:
    result = await context.services.spaced.start(user_id(update))
    await _started(update, context, result)


async def on_practice(update: Update, context: BotContext, data: PracticeButton) -> None:
    result = await context.services.spaced.practice(user_id(update), data.attempt)
    await _started(update, context, result)


async def _started(update: Update, context: BotContext, result: StartResult) -> None:
    """Answer a start: the first poll, the waiting poll quoted, or why there is none."""
    outcome = result.outcome
    refusal = _refusal(context, result)
    if refusal is not None:
        if update.callback_query is not None:
            await toast(update, refusal)
        else:
            await reply(update, refusal)
        return
    await answer_query(update)
    spec = result.poll
    assert spec is not None
    chat_id = user_id(update)
    if outcome is StartOutcome.RESUMED and result.open_poll is not None:
        text = t.WAITING.format(number=spec.position + 1, count=spec.count)
        await context.api.call(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": text,
                "parse_mode": ParseMode.HTML,
                "reply_parameters": {
                    "message_id": result.open_poll,
                    "allow_sending_without_reply": True,
                },
            },
        )
        return
    if outcome is StartOutcome.STARTED:
        if spec.kind == PRACTICE:
            intro = t.PRACTICE_INTRO.format(title=escape(spec.module.title), count=spec.count)
        else:
            intro = t.INTRO.format(count=spec.count)
        await reply(update, intro)
    await send_review_question(context, chat_id, spec)


def _refusal(context: BotContext, result: StartResult) -> str | None:
    outcome = result.outcome
    today = _today(context)
    if outcome is StartOutcome.NOT_REGISTERED:
        return texts.NEED_REGISTRATION
    if outcome is StartOutcome.NOTHING_DUE:
        if result.next_day is None:
            return t.NOTHING_SCHEDULED
        return t.NOTHING_DUE.format(day=t.day_text(result.next_day, today))
    if outcome is StartOutcome.DONE_TODAY:
        day = t.day_text(result.next_day or today, today)
        return t.DONE_TODAY.format(limit=context.services.settings.review_max_per_day, day=day)
    if outcome is StartOutcome.ALREADY_STARTED:
        return t.ALREADY_STARTED
    if outcome is StartOutcome.OTHER_OPEN:
        return t.OTHER_OPEN_PRACTICE if result.kind == PRACTICE else t.OTHER_OPEN_REVIEW
    if outcome is StartOutcome.NOT_FOUND:
        return t.PRACTICE_NOT_FOUND
    if outcome is StartOutcome.OUTDATED:
        return t.PRACTICE_OUTDATED
    return None


# --- Votes ---------------------------------------------------------------------------------------
async def on_poll_answer(update: Update, context: BotContext) -> None:
    """Every poll vote: a review poll this process sent goes straight to the review; any other
    vote is a quiz's first (the hot path it was), else a review's."""
    answer = update.poll_answer
    svc = context.services
    if answer is None or answer.user is None or not svc.spaced.sent_here(answer.poll_id):
        if await quiz.on_poll_answer(update, context):
            return
    assert answer is not None and answer.user is not None
    outcome = await svc.spaced.answer(answer.poll_id, answer.user.id, list(answer.option_ids))
    if outcome.outcome is AnswerOutcome.UNKNOWN:
        await send(context, answer.user.id, texts.QUIZ_STALE)
        return
    if outcome.changed:
        await send(context, outcome.chat_id, t.CHANGED)
    if outcome.outcome is AnswerOutcome.NEXT and outcome.poll is not None:
        await send_review_question(context, outcome.chat_id, outcome.poll)
    elif outcome.outcome is AnswerOutcome.FINISHED and outcome.result is not None:
        text, keyboard = result_message(context, outcome.result)
        await send(context, outcome.chat_id, text, keyboard)
    elif outcome.outcome is AnswerOutcome.STALE:
        await send(context, outcome.chat_id, t.STALE)
        if outcome.stale_message is not None:
            await quiz.stop_polls(context, [(outcome.chat_id, outcome.stale_message)])


def result_message(
    context: BotContext, result: SessionResult
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The session's result; a wrong answer offers the card that teaches the point."""
    rows = []
    for missed in result.missed[:CARD_BUTTONS]:
        module, question = missed.module, missed.question
        card = question.card - 1
        if 0 <= card < len(module.cards):
            label = texts.BTN_REREAD_CARD.format(card=card + 1, title=module.cards[card].title)
            rows.append([button(label, CardButton(module.id, module.version, card, new=True))])
    if result.kind == PRACTICE:
        text = t.PRACTICE_RESULT.format(correct=result.correct, count=result.count)
        practised = result.attempt_module
        if practised is not None:
            rows.append([button(texts.BTN_RETAKE, QuizButton(practised.id, practised.version))])
        rows.append([button(texts.BTN_MENU, MenuButton("home"))])
        return text + _missed_text(result, t.PRACTICE_MISSED), markup(rows)
    today = _today(context)
    following = (
        t.RESULT_NEXT.format(day=t.day_text(result.next_day, today))
        if result.next_day is not None
        else t.RESULT_NEXT_NONE
    )
    text = t.RESULT.format(correct=result.correct, count=result.count, next=following)
    text += _missed_text(result, t.RESULT_MISSED) if result.missed else t.RESULT_ALL_RIGHT
    if result.credited_minutes:
        scale = context.services.settings.scale
        text += t.RESULT_CREDIT.format(time=scale.text(result.credited_minutes))
    rows.append([button(texts.BTN_MENU, MenuButton("home"))])
    return text, markup(rows)


def _missed_text(result: SessionResult, header: str) -> str:
    lines: list[str] = []
    used = 0
    for number, missed in enumerate(result.missed):
        line = t.MISSED_LINE.format(
            question=escape(missed.question.question),
            module=escape(missed.module.title),
            explanation=escape(missed.question.explanation),
        )
        if used + len(line) > MISSED_BUDGET:
            lines.append(texts.QUIZ_MISSED_MORE.format(count=len(result.missed) - number))
            break
        lines.append(line)
        used += len(line) + 2
    if not lines:
        return ""
    return header.format(missed="\n\n".join(lines))


async def cancel_session(update: Update, context: BotContext) -> bool:
    """``/batal``: end an open review or practice session and close its poll. True if one was."""
    ended = await context.services.spaced.abandon(user_id(update))
    if ended is None:
        return False
    kind, polls = ended
    await quiz.stop_polls(context, polls)
    await reply(update, t.PRACTICE_ABANDONED if kind == PRACTICE else t.ABANDONED)
    return True
