"""Command-line tools of the training-hours features, for operators and cron:

    python -m bot roster import FILE [--dry-run]
    python -m bot certificate verify CODE
    python -m bot report recap [--year Y] [--xlsx F] [--csv F] [--chart F]
    python -m bot report opd CODE [--year Y] [--xlsx F] [--csv F]
    python -m bot report siasn [--opd CODE] [--year Y] [--xlsx F] [--csv F]
    python -m bot report assignments [--opd CODE] [--xlsx F] [--csv F]

They run as the server's operator (no chat user, so no role check) and write the same files as
``/laporan``. Exit codes: 0 ok, 1 problems found (bad roster rows, a refused certificate).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.config import Settings
from bot.core.content_loader import load_catalog


def add_parsers(commands: argparse._SubParsersAction) -> None:
    roster = commands.add_parser("roster", help="employee roster tools")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    importer = roster_commands.add_parser("import", help="import a roster CSV or XLSX")
    importer.add_argument("file", type=Path)
    importer.add_argument("--dry-run", action="store_true", help="check and list errors only")

    cert = commands.add_parser("certificate", help="certificate tools")
    cert_commands = cert.add_subparsers(dest="certificate_command", required=True)
    verify = cert_commands.add_parser("verify", help="check a certificate verification code")
    verify.add_argument("code")

    report = commands.add_parser("report", help="JP reports as files (for cron)")
    report_commands = report.add_subparsers(dest="report_command", required=True)
    for name, text in (
        ("recap", "per-OPD recap and ranking"),
        ("opd", "one OPD's employees"),
        ("siasn", "course records with the SIASN fields"),
        ("assignments", "compliance of required learning, per assignment and OPD"),
    ):
        sub = report_commands.add_parser(name, help=text)
        if name == "opd":
            sub.add_argument("opd_code")
        if name in ("siasn", "assignments"):
            sub.add_argument("--opd", dest="opd_code", default=None)
        sub.add_argument("--year", type=int, default=None)
        sub.add_argument("--xlsx", type=Path)
        sub.add_argument("--csv", type=Path)
        if name == "recap":
            sub.add_argument("--chart", type=Path, help="PNG of compliance per OPD")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "roster":
        return asyncio.run(_roster(args, settings))
    if args.command == "certificate":
        return asyncio.run(_verify(args.code, settings))
    if args.report_command == "assignments":
        from bot.cli.assignments import report

        return asyncio.run(report(args, settings))
    return asyncio.run(_report(args, settings))


async def _roster(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.roster_file import parse_roster
    from bot.store import roster
    from db.migrate import upgrade_to_head
    from db.session import Database

    catalog = load_catalog(settings.content_dir)
    parsed = parse_roster(args.file, catalog.opds, datetime.now(settings.tz).date())
    for error in parsed.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    print(f"{len(parsed.rows)} valid row(s), {len(parsed.errors)} error(s)")
    if args.dry_run:
        return 1 if parsed.errors else 0
    db = Database(settings.database_url)
    try:
        await upgrade_to_head(db.engine)
        new, updated = await roster.upsert(db, parsed.rows, datetime.now(settings.tz))
    finally:
        await db.dispose()
    print(f"imported: {new} new, {updated} updated")
    return 1 if parsed.errors else 0


async def _verify(code: str, settings: Settings) -> int:
    from bot.services.certificates import CertificateService, Verdict
    from db.session import Database

    db = Database(settings.database_url)
    secret = settings.cert_secret.get_secret_value() if settings.cert_secret else None
    try:
        result = await CertificateService(db, lambda: datetime.now(settings.tz), secret).verify(
            code
        )
    finally:
        await db.dispose()
    if result.verdict is not Verdict.GENUINE or result.fields is None:
        print(f"REFUSED: {result.verdict.value}")
        return 1
    f = result.fields
    print(f"GENUINE: {f.certificate_no} {f.nip} {f.name} | {f.module_title} | {f.completed_on}")
    return 0


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.documents import columns as report_columns
    from bot.services import reports as report_files
    from bot.store import reports
    from db.session import Database

    year = args.year or datetime.now(settings.tz).year
    targets, scale = settings.targets, settings.scale
    if args.report_command in ("opd", "siasn") and (args.xlsx or args.csv):
        return await _streamed(args, settings, year)
    names = {code: opd.name for code, opd in load_catalog(settings.content_dir).opds.items()}
    db = Database(settings.database_url)
    try:
        async with db.transaction() as s:
            columns: tuple[report_files.Column, ...]
            if args.report_command == "recap":
                recap = await reports.opd_recap(s, year, targets)
                since = datetime.now(settings.tz) - report_files.REVIEW_WINDOW
                reviewers = await reports.review_participation(s, since)
                columns = report_columns.RECAP_COLUMNS
                table = report_files.recap_rows(recap, names, reviewers)
            elif args.report_command == "opd":
                columns = report_columns.EMPLOYEE_COLUMNS
                table = await report_files.employee_table(s, year, targets, args.opd_code)
            else:
                columns = report_columns.SIASN_COLUMNS
                table = await report_files.siasn_table(s, year, args.opd_code)
    finally:
        await db.dispose()
    outputs = {
        args.xlsx: lambda: report_files.xlsx(columns, table, args.report_command, scale),
        args.csv: lambda: report_files.csv(columns, table, scale),
    }
    if args.report_command == "recap":
        label = scale.jp_text(targets.pns)
        outputs[args.chart] = lambda: report_files.chart(recap, names, year, label)
    for path, build in outputs.items():
        if path is not None:
            path.write_bytes(await asyncio.to_thread(build))
            print(f"wrote {path}")
    print(f"{len(table)} row(s), year {year}")
    return 0


async def _streamed(args: argparse.Namespace, settings: Settings, year: int) -> int:
    """The row-by-row reports, streamed to disk as the bot streams them (flat memory at any
    size; beyond a sheet's rows, zipped CSV parts beside the path given)."""
    from bot.services.exports import ExportJob, build

    rows = 0
    for path, file_format in ((args.xlsx, "xlsx"), (args.csv, "csv")):
        if path is None:
            continue
        job = ExportJob(
            kind="employees" if args.report_command == "opd" else "siasn",
            format=file_format,
            database_url=settings.database_url,
            year=year,
            opd=args.opd_code,
            target_pns=settings.targets.pns,
            target_pppk=settings.targets.pppk,
            minutes_per_jp=settings.scale.minutes_per_jp,
            folder=str(path.parent),
            name=path.stem,
        )
        result = await build(job)
        for written in map(Path, result.files):
            if result.format != "csv.zip" and written != path:
                written = written.replace(path)
            print(f"wrote {written}")
        if result.split:
            print(f"{result.rows} rows: more than one sheet holds, so zipped CSV parts")
        rows = result.rows
    print(f"{rows} row(s), year {year}")
    return 0
