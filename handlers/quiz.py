"""Quizzes as native Telegram quiz polls, one question at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from telegram import Poll, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import texts
from bot.core.callbacks import QuizButton
from bot.core.content import QUESTION_LIMIT, Module
from bot.core.quiz_rules import Gate, GateResult
from bot.core.telegram_html import escape
from bot.services.quiz_outcomes import AnswerOutcome, PollSpec, QuizResult, StartOutcome
from bot.telegram.context import BotContext
from bot.texts import assignments as atexts
from handlers import keyboards
from handlers.common import answer_query, reply, send, show, toast, user_id
from handlers.learning import card_list, clock_at, lock_names, show_module


def poll_question(spec: ShownQuestion) -> str:
    """Number the question ("2/5. ...") when that still fits Telegram's 300 characters."""
    numbered = texts.QUIZ_QUESTION_PREFIX.format(number=spec.position + 1, count=spec.count)
    numbered += spec.question
    return numbered if len(numbered) <= QUESTION_LIMIT else spec.question


class ShownQuestion(Protocol):
    """What a poll shows: a quiz question (``PollSpec``) or a review one (``ReviewPollSpec``)."""

    @property
    def position(self) -> int: ...
    @property
    def count(self) -> int: ...
    @property
    def question(self) -> str: ...
    @property
    def options(self) -> list[str]: ...
    @property
    def correct_option_ids(self) -> list[int]: ...
    @property
    def explanation(self) -> str: ...
    @property
    def scenario(self) -> str | None: ...


async def send_question(context: BotContext, chat_id: int, spec: PollSpec) -> None:
    """A quiz question, sent and remembered with its attempt."""
    poll_id, message_id = await send_poll(context, chat_id, spec)
    await context.services.quiz.register_poll(spec, poll_id, chat_id, message_id)


async def send_poll(context: BotContext, chat_id: int, spec: ShownQuestion) -> tuple[str, int]:
    """The question as a native quiz poll; a scenario goes in the poll's description (Bot API
    9.6), or, for an older Bot API server (``SINAU_SCENARIO_IN_POLL=false``), just before it.
    The sent poll's id and message id."""
    params: dict[str, Any] = {
        "chat_id": chat_id,
        "question": poll_question(spec),
        "question_parse_mode": ParseMode.HTML,
        "options": [{"text": option, "text_parse_mode": ParseMode.HTML} for option in spec.options],
        "is_anonymous": False,
        "type": Poll.QUIZ,
        "allows_multiple_answers": len(spec.correct_option_ids) > 1,
        "correct_option_ids": spec.correct_option_ids,
        "explanation": spec.explanation or None,
        "explanation_parse_mode": ParseMode.HTML,
    }
    if spec.scenario:
        if context.services.settings.scenario_in_poll:
            params["description"] = spec.scenario
            params["description_parse_mode"] = ParseMode.HTML
        else:
            await send(context, chat_id, spec.scenario)
    # Only the ids of the sent poll are needed: skip building the Message (SinauBot.call).
    sent = await context.api.call("sendPoll", params)
    return sent["poll"]["id"], sent["message_id"]


async def stop_polls(context: BotContext, polls: list[tuple[int, int]]) -> None:
    """Close polls left open (an abandoned attempt, a vote on an old one); a poll already
    closed or deleted is fine as it is."""
    for chat_id, message_id in polls:
        try:
            await context.api.call("stopPoll", {"chat_id": chat_id, "message_id": message_id})
        except BadRequest:
            pass


def minutes_up(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def refusal_text(context: BotContext, gate: GateResult) -> str:
    tz = context.services.settings.tz
    if gate.gate is Gate.READ_MORE:
        return texts.QUIZ_READ_MORE.format(minutes=minutes_up(gate.wait_seconds))
    if gate.gate is Gate.REREAD and gate.until is not None:
        return texts.QUIZ_REREAD.format(cards=card_list(gate.cards), at=clock_at(gate.until, tz))
    return texts.QUIZ_DAILY_LIMIT.format(limit=context.services.settings.quiz_attempts_per_day)


async def on_quiz(update: Update, context: BotContext, data: QuizButton) -> None:
    svc = context.services
    result = await svc.quiz.start(user_id(update), data.module, data.version)
    if result.outcome is StartOutcome.NO_MODULE:
        await toast(update, texts.MODULE_NOT_FOUND)
        return
    if result.outcome is StartOutcome.NOT_REGISTERED:
        await show(update, texts.NEED_REGISTRATION)
        return
    module = result.module
    assert module is not None
    if result.outcome is StartOutcome.OUTDATED:
        await toast(update, texts.MODULE_UPDATED)
        await show_module(update, context, module)
        return
    if result.outcome is StartOutcome.LOCKED:
        names = lock_names(context, result.locked_by)
        await toast(update, atexts.LOCKED_TOAST.format(modules=names))
        return
    if result.outcome is StartOutcome.NOT_READY:
        await toast(update, texts.READ_CARDS_FIRST)
        return
    if result.outcome is StartOutcome.GATED and result.gate is not None:
        await toast(update, refusal_text(context, result.gate))
        return
    assert result.poll is not None
    await answer_query(update)
    chat_id = user_id(update)
    if result.outcome is StartOutcome.RESUMED and result.open_poll is not None:
        # The question is on screen already: point to it rather than send it twice.
        text = texts.QUIZ_WAITING.format(
            title=escape(module.title), number=result.poll.position + 1, count=result.poll.count
        )
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
    if result.outcome is StartOutcome.STARTED:
        intro = texts.QUIZ_INTRO.format(
            title=escape(module.title), count=result.poll.count, pass_percent=module.pass_percent
        )
        await reply(update, intro)
    await send_question(context, chat_id, result.poll)


def result_text(context: BotContext, result: QuizResult) -> str:
    settings = context.services.settings
    scale = settings.scale
    module = result.module
    if not result.passed:
        retry_at = clock_at(
            context.services.clock() + timedelta(minutes=settings.quiz_retry_minutes), settings.tz
        )
        return texts.QUIZ_FAILED.format(
            score=result.score,
            correct=result.correct,
            count=result.count,
            pass_percent=module.pass_percent,
            missed=missed_text(module, result.missed),
            at=retry_at,
        )
    if result.credited:
        credit = texts.QUIZ_CREDITED.format(time=scale.text(module.minutes))
    else:
        credit = texts.QUIZ_ALREADY_CREDITED.format(best=result.best_score)
    target = settings.targets.of(result.kind)
    return texts.QUIZ_PASSED.format(
        title=escape(module.title),
        score=result.score,
        correct=result.correct,
        count=result.count,
        credit=credit,
        year=result.year,
        total=scale.text(result.year_minutes),
        target=scale.jp_text(target),
    )


# The result message must stay within Telegram's 4096 characters whatever the pool holds.
MISSED_BUDGET = 3000


def missed_text(module: Module, missed: tuple[str, ...]) -> str:
    """Each missed question with its explanation, as many as fit, then "... and N more"."""
    lines: list[str] = []
    used = 0
    for number, question_id in enumerate(missed):
        question = module.question(question_id)
        if question is None:
            continue
        line = texts.QUIZ_MISSED.format(
            question=escape(question.question), explanation=escape(question.explanation)
        )
        if used + len(line) > MISSED_BUDGET:
            lines.append(texts.QUIZ_MISSED_MORE.format(count=len(missed) - number))
            break
        lines.append(line)
        used += len(line) + 2
    return "\n\n".join(lines)


def missed_cards(module: Module, missed: tuple[str, ...]) -> list[int]:
    cards = sorted({q.card - 1 for qid in missed if (q := module.question(qid)) is not None})
    return cards


async def on_poll_answer(update: Update, context: BotContext) -> bool:
    """A vote on a quiz poll; False when the poll is not a quiz's (``handlers.spaced_review``
    routes every vote here first, then to the review)."""
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return True  # an anonymous vote (from a channel) cannot belong to a quiz of ours
    svc = context.services
    outcome = await svc.quiz.answer(answer.poll_id, answer.user.id, list(answer.option_ids))
    if outcome.outcome is AnswerOutcome.UNKNOWN:
        return False
    if outcome.outcome is AnswerOutcome.NEXT and outcome.poll is not None:
        await send_question(context, outcome.chat_id, outcome.poll)
    elif outcome.outcome is AnswerOutcome.FINISHED and outcome.result is not None:
        result = outcome.result
        if result.passed:
            markup = keyboards.quiz_passed(result.module, outcome.following)
        else:
            markup = keyboards.quiz_failed(
                result.module, missed_cards(result.module, result.missed), outcome.attempt_id
            )
        await send(context, outcome.chat_id, result_text(context, result), markup)
    elif outcome.outcome is AnswerOutcome.STALE:
        await send(context, outcome.chat_id, texts.QUIZ_STALE)
        if outcome.stale_message is not None:
            await stop_polls(context, [(outcome.chat_id, outcome.stale_message)])
    return True
