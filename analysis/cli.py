"""``panelpaper``: a thin command line over the analysis engine.

Every command is a few lines that parse arguments, call one function in ``analysis`` and
turn the outcome into an exit status: 0 success, 2 bad input (arguments or data), 1 any
other failure.  The logic lives in the modules so that tests and notebooks reach it too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.engine.lazy import lazy_import
from analysis.engine.leave import run_then_leave
from analysis.inputs.findings import SnapshotError
from analysis.inputs.settings import SettingsError
from analysis.inputs.snapshot_cache import snapshot_quarters, snapshots_dir
from analysis.publishing.options import Options
from analysis.publishing.record.locking import LockTimeout
from analysis.publishing.record.publish import PublishError
from analysis.publishing.record.recorded_settings import settings_folder
from analysis.publishing.render import registry as renderer_registry
from analysis.quarters import Quarter, QuarterError

try:
    from typer._click.exceptions import ClickException as TyperClickException
except ImportError:  # a typer that still uses click itself
    TyperClickException = None

# Each command's own modules load when it runs: measured, importing them all here makes
# `panelpaper --help` cost 0.95 s of CPU instead of 0.2 s (pandas most of it), and `run` on an
# unchanged publication must not import pandas at all (see analysis.engine.lazy).
check_report = lazy_import("analysis.inputs.check_report")
explore_server = lazy_import("analysis.presentation.explore_server")
fu = lazy_import("analysis.followup.lists")
new_quarter = lazy_import("analysis.inputs.new_quarter")
owner_summary = lazy_import("analysis.followup.summary")
recipe = lazy_import("analysis.publishing.run")
record = lazy_import("analysis.figures.record")
rt = lazy_import("analysis.followup.returns")
snapshots = lazy_import("analysis.inputs.snapshots")
vf = lazy_import("analysis.publishing.proof.verify")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="panelpaper",
    help="Build the quarterly audit-panel paper from a quarter's data snapshot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _data_dir_option(path: Path) -> Path:
    """--data-dir: the data folder, or exit 2 saying what is wrong with it before anything is
    read."""
    if path.exists() and not path.is_dir():
        raise _fail(
            f"--data-dir {path}: is a file, not a folder; give the folder that holds snapshots/",
            EXIT_BAD_INPUT,
        )
    if not path.is_dir():
        raise _fail(
            f"--data-dir {path}: no such folder; give the folder that holds snapshots/",
            EXIT_BAD_INPUT,
        )
    if not snapshots_dir(path).is_dir():
        raise _fail(
            f"--data-dir {path}: has no snapshots/ folder (expected {snapshots_dir(path)} with "
            "one folder per quarter, such as 2019-20-Q1)",
            EXIT_BAD_INPUT,
        )
    return path


def _reports_dir_option(path: Path) -> Path:
    """--reports-dir may not exist yet (it is created), but it may not be a file."""
    if path.exists() and not path.is_dir():
        raise typer.BadParameter(f"{path} is a file, not a folder")
    return path


# --- the options and arguments more than one command takes: declared once, checked once ------
DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        help="Folder that holds snapshots/ (and optionally settings.yml).",
        callback=_data_dir_option,
    ),
]
ReportsDir = Annotated[
    Path,
    typer.Option(
        "--reports-dir",
        help="Folder the quarters are published in.",
        callback=_reports_dir_option,
    ),
]
QuarterArg = Annotated[
    str | None,
    typer.Argument(help="Quarter, e.g. 2019-20-Q1 or 'Q1 19/20'. Default: the latest snapshot."),
]
AllQuarters = Annotated[
    bool,
    typer.Option(
        "--all", help="Every quarter instead of one (for verify: every published quarter)."
    ),
]
Jobs = Annotated[
    int | None, typer.Option("--jobs", help="Kernels at once (default: one per core).")
]


def _one_or_all(quarter: str | None, all_quarters: bool) -> None:
    """A QUARTER and --all together are refused (exit 2): which one was meant is unknowable."""
    if all_quarters and quarter is not None:
        raise _fail("give a QUARTER or --all, not both", EXIT_BAD_INPUT)


def _parsed(value: str) -> Quarter:
    """The user's text as a :class:`Quarter`, parsed here once, or exit 2 listing the forms."""
    try:
        return Quarter.parse(value)
    except QuarterError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from exc


def _quarter(value: str | None, data_dir: Path) -> Quarter:
    """QUARTER, or by default the latest snapshot.  The snapshot folders' names are read
    without the loader (and pandas), so an unchanged rerun stays quick; only when a name is not
    a canonical quarter id (or there is none) does the loader say so properly."""
    if value is not None:
        return _parsed(value)
    quarters = snapshot_quarters(data_dir)
    if quarters:
        return quarters[-1]
    return snapshots.latest_quarter(data_dir)


@app.command()
def check(
    quarter: QuarterArg = None,
    all_quarters: AllQuarters = False,
    data_dir: DataDir = Path("data"),
) -> None:
    """Validate snapshot(s) against the data contract and print every error and warning."""
    _one_or_all(quarter, all_quarters)
    quarters = None if all_quarters else [_quarter(quarter, data_dir)]
    text, has_errors = check_report.check_report(data_dir, quarters)
    typer.echo(text)
    raise typer.Exit(EXIT_BAD_INPUT if has_errors else EXIT_OK)


@app.command()
def figures(
    quarter: QuarterArg = None,
    data_dir: DataDir = Path("data"),
    reports_dir: ReportsDir = Path("reports"),
) -> None:
    """Print the quarter's figures.json on stdout (no notebook, no kernel).  A published
    quarter is computed under the settings it was published with (said on stderr), so this
    prints what was published; any other quarter under the settings in force."""
    q = _quarter(quarter, data_dir)
    with settings_folder(data_dir, reports_dir, q) as found:
        if found.recorded is not None:
            typer.echo(found.describe(q), err=True)
        sys.stdout.write(record.to_json(record.figures_for_quarter(found.data_dir, q)))


@app.command()
def run(
    quarter: QuarterArg = None,
    all_quarters: AllQuarters = False,
    data_dir: DataDir = Path("data"),
    reports_dir: ReportsDir = Path("reports"),
    force: Annotated[
        bool,
        typer.Option("--force", help="Publish anew even if inputs changed (old one to history/)."),
    ] = False,
    renderer: Annotated[
        str, typer.Option("--renderer", help=f"{renderer_registry.choices_text()}.")
    ] = renderer_registry.AUTO,
    jobs: Jobs = None,
) -> None:
    """Execute the paper notebooks, render the paper and publish reports/<quarter>/ atomically.

    An unchanged rerun reuses the publication without starting a kernel, as does one where
    only today's settings differ from those recorded with the quarter (it says which); other
    changed inputs are refused (exit 1) unless --force, once the data is known to be valid.
    """
    if renderer not in renderer_registry.choices():
        raise _fail(
            f"--renderer {renderer}: use one of {', '.join(renderer_registry.choices())}",
            EXIT_BAD_INPUT,
        )
    _one_or_all(quarter, all_quarters)
    options = Options(data_dir, reports_dir, force=force, renderer=renderer, jobs=jobs)
    try:
        if all_quarters:
            results = recipe.run_all(options)
        else:
            results = [recipe.run_quarter(_quarter(quarter, data_dir), options)]
    except (LockTimeout, recipe.RunError, PublishError) as exc:
        raise _fail(f"error: {exc}", EXIT_FAILURE) from exc
    raise typer.Exit(EXIT_OK if all(r.ok for r in results) else EXIT_FAILURE)


@app.command()
def verify(
    quarter: Annotated[
        str | None,
        typer.Argument(help="Published quarter to verify. Default: the latest published one."),
    ] = None,
    all_quarters: AllQuarters = False,
    data_dir: DataDir = Path("data"),
    reports_dir: ReportsDir = Path("reports"),
    no_notebooks: Annotated[
        bool,
        typer.Option(
            "--no-notebooks", help="Quick check: hashes and figures.json, no notebook rerun."
        ),
    ] = False,
    jobs: Jobs = None,
) -> None:
    """Prove a published quarter reruns to the same paper: input and output hashes, the
    archived notebooks rerun and compared by nbval's rules, figures.json recomputed.  Exit 0
    when all match."""
    _one_or_all(quarter, all_quarters)
    # A bad QUARTER raises QuarterError, which main() says as "error: ..." (exit 2).
    given = Quarter.parse(quarter) if quarter is not None else None
    options = Options(
        data_dir, reports_dir, jobs=jobs, rerun_notebooks=not no_notebooks, progress=typer.echo
    )
    try:
        quarters = vf.quarters_to_verify(reports_dir, given, all_quarters=all_quarters)
    except vf.NotPublished as exc:
        raise _fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    try:
        verdicts = vf.verify(quarters, options, summary=all_quarters)
    except (LockTimeout, vf.VerifyError) as exc:
        raise _fail(f"error: {exc}", EXIT_FAILURE) from exc
    raise typer.Exit(EXIT_OK if all(v.ok for v in verdicts) else EXIT_FAILURE)


@app.command()
def followup(
    quarter: Annotated[str, typer.Argument(help="Quarter, e.g. 2019-20-Q1.")],
    data_dir: DataDir = Path("data"),
    followup_dir: Annotated[
        Path,
        typer.Option(
            "--followup-dir",
            help="Folder the lists are written under (<folder>/<quarter>/); git-ignored.",
            callback=_reports_dir_option,
        ),
    ] = Path("followup"),
    replace: Annotated[
        bool, typer.Option("--replace", help="Write the quarter's lists again over old ones.")
    ] = False,
) -> None:
    """Write each business group lead's list of outstanding actions to confirm (one workbook
    per group, marked OFFICIAL or OFFICIAL-SENSITIVE)."""
    q = _quarter(quarter, data_dir)
    try:
        lists = fu.write_followup(data_dir, q, followup_dir, replace=replace)
    except fu.FollowupExists as exc:
        raise _fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    typer.echo(fu.describe(q, lists))


@app.command("returns")
def returns_(
    quarter: Annotated[str, typer.Argument(help="Quarter the lists were sent for.")],
    folder: Annotated[Path, typer.Argument(help="Folder holding the returned workbooks.")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Read the leads' returned lists back, check every row against the snapshot and, when
    clean, print and write the summary for the tracker owner (exit 2 on any error)."""
    q = _quarter(quarter, data_dir)
    if not folder.is_dir():
        raise _fail(f"{folder}: no such folder of returned workbooks", EXIT_BAD_INPUT)
    result = rt.read_returns(data_dir, q, folder)
    if not result.ok:
        typer.echo(rt.report(result))
        raise typer.Exit(EXIT_BAD_INPUT)
    path = owner_summary.write_summary(result)
    typer.echo(owner_summary.summary(result), nl=False)
    typer.echo(f"Summary written to {path}")


@app.command()
def new(
    quarter: Annotated[str, typer.Argument(help="The quarter to start, e.g. 2020-21-Q2.")],
    data_dir: DataDir = Path("data"),
    allow_gap: Annotated[
        bool,
        typer.Option(
            "--allow-gap",
            help="Start it even though quarters after the latest snapshot have none (named).",
        ),
    ] = False,
) -> None:
    """Start the next quarter's snapshot folder from the latest quarter: snapshot.yml with as_of
    at the quarter's end and panel_date to fill in, narrative.md with last quarter's headings
    and placeholders.  A quarter that would skip quarters is refused unless --allow-gap."""
    q = _parsed(quarter)
    try:
        started = new_quarter.start_quarter(data_dir, q, allow_gap=allow_gap)
    except new_quarter.NewQuarterError as exc:
        raise _fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    carried = f" (carried from {started.carried_from.id})" if started.carried_from else ""
    typer.echo(f"{q.id}: started {started.folder}{carried}")
    if started.skipped:
        typer.echo(
            f"  skipped {new_quarter.skipped_text(started.skipped)}: no snapshot folder; start one with "
            f"panelpaper new {started.skipped[0].id}"
        )
    for path in started.files:
        typer.echo(f"  wrote {path.name}")
    typer.echo(
        f"Next: edit snapshot.yml (panel_date: the meeting's date) and narrative.md, {new_quarter.EXPORTS}; "
        f"then panelpaper check {q.id}"
    )
    raise typer.Exit(EXIT_OK)


@app.command()
def explore(
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="Port to serve on (default: a free one)."),
    ] = None,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Only print the address; open no browser.")
    ] = False,
    data_dir: DataDir = Path("data"),
    reports_dir: ReportsDir = Path("reports"),
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
) -> None:
    """Serve the exploration (every snapshot, with controls, no code showing) as a web page on
    127.0.0.1 until Ctrl-C; prints the page's address."""
    code = explore_server.serve(
        data_dir, reports_dir, port, open_browser=not no_browser, host=host, echo=typer.echo
    )
    raise typer.Exit(code)


def main() -> None:
    """Entry point that maps the domain's exceptions to exit statuses."""
    try:
        # Without standalone mode click returns (rather than raises) a command's exit code.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except SnapshotError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except (QuarterError, SettingsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit code (2)
        if isinstance(exc, _usage_errors()):
            exc.show()
            sys.exit(EXIT_BAD_INPUT)
        raise


def console() -> None:
    """The ``panelpaper`` command: :func:`main`, then out of the process without Python's
    teardown (:func:`analysis.engine.leave.run_then_leave` says why)."""
    run_then_leave(main)


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: typer now ships its own copy of click, whose exceptions are not
    click's, so an unknown option or a bad --reports-dir must be recognised in both."""
    import click  # measured: 50-100 ms on every command, and typer no longer imports it

    if TyperClickException is None:
        return (click.ClickException,)
    return (click.ClickException, TyperClickException)


if __name__ == "__main__":
    main()
