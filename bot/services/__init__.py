"""Domain services. Pure Python and SQL: no Telegram types here, so they test without a bot."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.config import Settings
from bot.core.clock import Clock, system_clock
from bot.core.content import Catalog
from bot.core.quiz_rules import QuizRules
from bot.services.activity import RecentActivity
from bot.services.broadcast_drafts import DraftService
from bot.services.broadcasts import BroadcastService
from bot.services.certificates import CertificateService
from bot.services.files import FileService
from bot.services.hours import HoursService
from bot.services.housekeeping import Housekeeping
from bot.services.learning import LearningService
from bot.services.presence import PresenceService
from bot.services.quiz import QuizService
from bot.services.registration import RegistrationService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.roles import RoleService
from bot.services.training_review import ReviewService
from bot.services.trainings import TrainingService
from bot.store.dedup import UpdateDeduplicator
from db.session import Database


@dataclass
class Services:
    """Everything a handler may call, built once per application."""

    settings: Settings
    db: Database
    catalog: Catalog
    clock: Clock
    registration: RegistrationService
    learning: LearningService
    quiz: QuizService
    hours: HoursService
    dedup: UpdateDeduplicator
    reminders: ReminderService
    presence: PresenceService
    housekeeping: Housekeeping
    roles: RoleService
    drafts: DraftService
    broadcasts: BroadcastService
    trainings: TrainingService
    reviews: ReviewService
    certificates: CertificateService
    reports: ReportService
    files: FileService

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        catalog: Catalog,
        clock: Clock = system_clock,
        rng: random.Random | None = None,
    ) -> Services:
        reminders = ReminderService(db, clock, settings)
        activity = RecentActivity(settings.tz)
        drafts = DraftService(db, catalog, clock, settings)
        return cls(
            settings=settings,
            db=db,
            catalog=catalog,
            clock=clock,
            registration=RegistrationService(
                db,
                catalog,
                clock,
                reminders,
                roster_allow_unknown=settings.roster_allow_unknown,
            ),
            learning=LearningService(db, catalog, clock, settings.tz, activity),
            quiz=QuizService(
                db,
                catalog,
                clock,
                settings.tz,
                rng or random.Random(),
                activity,
                QuizRules(
                    settings.min_reading_share,
                    settings.quiz_retry_minutes,
                    settings.quiz_attempts_per_day,
                ),
            ),
            hours=HoursService(db, clock, settings),
            dedup=UpdateDeduplicator(db, clock),
            reminders=reminders,
            presence=PresenceService(db, reminders),
            housekeeping=Housekeeping(db, clock),
            roles=RoleService(db, clock, settings.admin_ids),
            drafts=drafts,
            broadcasts=BroadcastService(db, catalog, clock, settings, drafts),
            trainings=TrainingService(db, clock, settings),
            reviews=ReviewService(db, clock, settings.admin_ids, settings.scale),
            certificates=CertificateService(
                db,
                clock,
                settings.cert_secret.get_secret_value() if settings.cert_secret else None,
            ),
            reports=ReportService(db, settings.admin_ids, settings.targets, settings.scale),
            files=FileService(db, clock, settings.file_cooldown_seconds),
        )
