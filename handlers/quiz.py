"""Quizzes as native Telegram quiz polls, one question at a time."""

from __future__ import annotations

from telegram import Poll, Update
from telegram.constants import ParseMode

from bot import texts
from bot.core.callbacks import QuizButton
from bot.core.content import QUESTION_LIMIT
from bot.core.jp import format_jp
from bot.core.telegram_html import escape
from bot.services.quiz import AnswerOutcome, PollSpec, QuizResult, StartOutcome
from bot.telegram.context import BotContext
from handlers import keyboards
from handlers.common import answer_query, reply, send, show, toast, user_id
from handlers.learning import show_module


def poll_question(spec: PollSpec) -> str:
    """Number the question ("2/5. ...") when that still fits Telegram's 300 characters."""
    numbered = texts.QUIZ_QUESTION_PREFIX.format(number=spec.position + 1, count=spec.count)
    numbered += spec.question
    return numbered if len(numbered) <= QUESTION_LIMIT else spec.question


async def send_question(context: BotContext, chat_id: int, spec: PollSpec) -> None:
    # Only the ids of the sent poll are needed: skip building the Message (SinauBot.call).
    sent = await context.api.call(
        "sendPoll",
        {
            "chat_id": chat_id,
            "question": poll_question(spec),
            "question_parse_mode": ParseMode.HTML,
            "options": [
                {"text": option, "text_parse_mode": ParseMode.HTML} for option in spec.options
            ],
            "is_anonymous": False,
            "type": Poll.QUIZ,
            "allows_multiple_answers": len(spec.correct_option_ids) > 1,
            "correct_option_ids": spec.correct_option_ids,
            "explanation": spec.explanation or None,
            "explanation_parse_mode": ParseMode.HTML,
        },
    )
    poll_id, message_id = sent["poll"]["id"], sent["message_id"]
    await context.services.quiz.register_poll(spec, poll_id, chat_id, message_id)


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
    if result.outcome is StartOutcome.NOT_READY:
        await toast(update, texts.READ_CARDS_FIRST)
        return
    assert result.poll is not None
    await answer_query(update)
    if result.outcome is StartOutcome.STARTED:
        intro = texts.QUIZ_INTRO.format(
            title=escape(module.title), count=result.poll.count, pass_percent=module.pass_percent
        )
    else:
        intro = texts.QUIZ_RESUME.format(
            title=escape(module.title), number=result.poll.position + 1
        )
    await reply(update, intro)
    await send_question(context, user_id(update), result.poll)


def result_text(context: BotContext, result: QuizResult) -> str:
    target = format_jp(context.services.settings.jp_target)
    if not result.passed:
        return texts.QUIZ_FAILED.format(
            score=result.score,
            correct=result.correct,
            count=result.count,
            pass_percent=result.module.pass_percent,
        )
    if result.credited:
        credit = texts.QUIZ_CREDITED.format(jp=format_jp(result.module.jp))
    else:
        credit = texts.QUIZ_ALREADY_CREDITED.format(best=result.best_score)
    return texts.QUIZ_PASSED.format(
        title=escape(result.module.title),
        score=result.score,
        correct=result.correct,
        count=result.count,
        credit=credit,
        year=result.year,
        total=format_jp(result.year_total_centi),
        target=target,
    )


async def on_poll_answer(update: Update, context: BotContext) -> None:
    answer = update.poll_answer
    if answer is None or answer.user is None:
        return  # an anonymous vote (from a channel) cannot belong to a quiz of ours
    outcome = await context.services.quiz.answer(
        answer.poll_id, answer.user.id, list(answer.option_ids)
    )
    if outcome.outcome is AnswerOutcome.NEXT and outcome.poll is not None:
        await send_question(context, outcome.chat_id, outcome.poll)
    elif outcome.outcome is AnswerOutcome.FINISHED and outcome.result is not None:
        result = outcome.result
        markup = keyboards.quiz_passed() if result.passed else keyboards.quiz_failed(result.module)
        await send(context, outcome.chat_id, result_text(context, result), markup)
