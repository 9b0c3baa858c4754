"""Command line: ``flask --app app facilities import PATH [--format] [--dry-run] [--skip-invalid]``.

The command checks the file's size before reading it, takes the import lock (so two imports
run one after the other and neither loses rows), hands the bytes to
`geo.importers.import_facilities` (the same code path the tests use) and writes the result
atomically, keeping the file's permissions; it prints every problem with its row and field.
Exit codes: 0 written (or dry run), 1 rows rejected or no rows, 2 file or dataset unreadable.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from geo.data import (
    FACILITIES_NAME,
    DatasetError,
    read_facilities,
    remove_stale_temporaries,
    write_csv_atomic,
)
from geo.importers import (
    FORMATS,
    ImportFormatError,
    ImportOutcome,
    guess_format,
    import_facilities,
)
from geo.importers.common import check_size
from geo.locking import LockTimeoutError, exclusive_lock

__all__ = ["init_app"]

facilities_cli = AppGroup("facilities", help="Manage the facility dataset.")

EXIT_REJECTED = 1  # rows failed validation; nothing written
EXIT_UNREADABLE = 2  # the file (or the dataset) as a whole could not be read; nothing written
LOCK_NAME = ".import.lock"  # imports hold it from reading the dataset to writing it
MAX_NEAR_DUPLICATES_SHOWN = 20


@facilities_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="File format; guessed from the file name when omitted.",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows even if other rows fail validation."
)
def import_command(path: Path, fmt: str | None, dry_run: bool, skip_invalid: bool) -> None:
    """Import facilities from PATH (OSM Overpass JSON, municipal CSV or GeoJSON)."""
    data_dir = Path(current_app.config["DATA_DIR"])
    datasets = current_app.extensions["nk_datasets"]
    target = data_dir / FACILITIES_NAME
    try:
        fmt = fmt or guess_format(path.name)
        check_size(path.stat().st_size)  # refused before a byte is read
        with exclusive_lock(data_dir / LOCK_NAME, on_wait=_say_waiting):
            for leftover in remove_stale_temporaries(target):
                click.echo(f"removed {leftover.name}, left by an interrupted import", err=True)
            outcome = import_facilities(
                path.read_bytes(),
                fmt,
                read_facilities(target),
                datasets.gemeinden,
                origin=path.stem,
                skip_invalid=skip_invalid,
            )
            _report(path, outcome)
            if outcome.dataset is None:
                sys.exit(EXIT_REJECTED)
            if dry_run:
                click.echo("dry run: nothing written")
                return
            write_csv_atomic(outcome.dataset, target)
    except ImportFormatError as err:
        click.echo(f"error: {path}: {err}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except (DatasetError, LockTimeoutError, OSError) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"wrote {len(outcome.dataset)} facilities to {target}")


def _say_waiting() -> None:
    click.echo("another import is running: waiting for it to finish", err=True)


def _report(path: Path, outcome: ImportOutcome) -> None:
    """Print the problems (all of them, one per line), the counts and near-duplicates."""
    for problem in outcome.problems:
        click.echo(f"{path.name} {problem}", err=True)
    click.echo(
        f"{outcome.rows_read} rows read, {outcome.rows_valid} valid, "
        f"{outcome.rows_read - outcome.rows_valid} with problems"
    )
    if outcome.dataset is None:
        click.echo(
            "import rejected: nothing written (fix the rows above or use --skip-invalid)", err=True
        )
        return
    report = outcome.report
    click.echo(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    for a, b, dist in report.near_duplicates[:MAX_NEAR_DUPLICATES_SHOWN]:
        click.echo(f"near-duplicate: {a} and {b}: same name, {dist:.0f} m apart")
    hidden = len(report.near_duplicates) - MAX_NEAR_DUPLICATES_SHOWN
    if hidden > 0:
        click.echo(f"… and {hidden} more near-duplicates")


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
    from geo.accounts_cli import accounts_cli

    app.cli.add_command(facilities_cli)
    app.cli.add_command(accounts_cli)
