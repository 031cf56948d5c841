"""Domain services. Pure Python and SQL: no Telegram types here, so they test without a bot."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.core.clock import Clock, system_clock
from bot.core.content import Catalog
from bot.core.quiz_rules import QuizRules
from bot.core.review import ReviewScheduler
from bot.services.activity import RecentActivity
from bot.services.assignment_drafts import AssignmentDrafts
from bot.services.assignments import AssignmentService
from bot.services.audit_log import AuditLogService
from bot.services.broadcast_drafts import DraftService
from bot.services.broadcasts import BroadcastService
from bot.services.certificates import CertificateService, Signer
from bot.services.dashboard import DashboardService
from bot.services.files import FileService
from bot.services.hours import HoursService
from bot.services.housekeeping import Housekeeping
from bot.services.identity import IdentityService
from bot.services.learning import LearningService
from bot.services.media import MediaService
from bot.services.presence import PresenceService
from bot.services.privacy import PrivacyService
from bot.services.quiz import QuizService
from bot.services.registration import RegistrationService, Verification
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.review import SpacedReviewService
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
    identity: IdentityService
    learning: LearningService
    quiz: QuizService
    spaced: SpacedReviewService
    hours: HoursService
    dedup: UpdateDeduplicator
    reminders: ReminderService
    presence: PresenceService
    media: MediaService
    housekeeping: Housekeeping
    roles: RoleService
    drafts: DraftService
    broadcasts: BroadcastService
    trainings: TrainingService
    reviews: ReviewService
    certificates: CertificateService
    reports: ReportService
    privacy: PrivacyService
    files: FileService
    audit_log: AuditLogService
    assignments: AssignmentService
    assignment_drafts: AssignmentDrafts
    dashboard: DashboardService

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
        rng = rng or random.Random()
        scheduler = ReviewScheduler(settings.review_retention, settings.tz)
        drafts = DraftService(db, catalog, clock, settings)
        assignments = AssignmentService(db, catalog, clock, settings)
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
                verification=Verification(settings.verification),
                admin_ids=settings.admin_ids,
            ),
            identity=IdentityService(db, catalog, clock, settings.admin_ids),
            learning=LearningService(db, catalog, clock, settings.tz, activity),
            quiz=QuizService(
                db,
                catalog,
                clock,
                settings.tz,
                rng,
                activity,
                QuizRules(
                    settings.min_reading_share,
                    settings.quiz_retry_minutes,
                    settings.quiz_attempts_per_day,
                ),
                scheduler,
            ),
            spaced=SpacedReviewService(
                db,
                catalog,
                clock,
                scheduler,
                rng,
                activity,
                max_per_day=settings.review_max_per_day,
                minutes_per_question=settings.review_minutes_per_question,
            ),
            hours=HoursService(db, clock, settings),
            dedup=UpdateDeduplicator(db, clock),
            reminders=reminders,
            presence=PresenceService(db, reminders),
            media=MediaService(db, clock, catalog.images),
            housekeeping=Housekeeping(
                db,
                clock,
                session_ttl=timedelta(hours=settings.session_ttl_hours),
                retention_years=settings.retention_years,
            ),
            roles=RoleService(db, clock, settings.admin_ids),
            audit_log=AuditLogService(db, catalog, clock, settings.admin_ids, settings.tz),
            drafts=drafts,
            broadcasts=BroadcastService(db, catalog, clock, settings, drafts),
            trainings=TrainingService(db, clock, settings),
            reviews=ReviewService(db, clock, settings.admin_ids, settings.scale),
            certificates=CertificateService(
                db,
                clock,
                settings.cert_secret.get_secret_value() if settings.cert_secret else None,
                Signer(
                    issuer=settings.cert_issuer,
                    name=settings.cert_signer_name,
                    nip=settings.cert_signer_nip,
                    title=settings.cert_signer_title,
                    city=settings.cert_city,
                ),
                settings.tz,
            ),
            reports=ReportService(
                db, settings.admin_ids, settings.targets, settings.scale, clock=clock
            ),
            privacy=PrivacyService(db, clock, settings, reminders),
            files=FileService(db, clock, settings.file_cooldown_seconds),
            assignments=assignments,
            assignment_drafts=AssignmentDrafts(db, catalog, clock, settings, assignments),
            dashboard=DashboardService(
                db,
                clock,
                catalog,
                settings.admin_ids,
                settings.targets,
                settings.scale,
                HoursService(db, clock, settings),
                assignments=assignments,
                learning=LearningService(db, catalog, clock, settings.tz),
            ),
        )
