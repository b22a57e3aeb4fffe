"""``summitwatch backfill SOURCE --since DATE``: load a source's history from its archive.

With a broker the walk is queued on the ``backfill`` queue and this command returns at once;
in embedded mode it walks here, with a progress bar on stderr. Either way a second run with
the same date resumes where the first one stopped.
"""

from __future__ import annotations

import json
from datetime import date

import click

from summitwatch.settings import get_settings


def _since(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


@click.command()
@click.argument("source")
@click.option("--since", required=True, callback=_since, help="Walk back to this date (YYYY-MM-DD), inclusive.")
@click.option("--restart", is_flag=True, help="Start from the newest page even if a walk to this date finished.")
@click.option("--json", "as_json", is_flag=True, help="Print the walk's progress as JSON and nothing else.")
def backfill(source: str, since: date, restart: bool, as_json: bool) -> None:
    """Walk SOURCE's archive (sitemaps, paged listings, API pages) newest first down to --since."""
    from workers import backfill as walk
    from workers.runtime import build_runtime

    try:
        settings = get_settings()
    except ValueError as exc:
        raise click.ClickException(f"invalid settings: {exc}") from exc
    rt = build_runtime(settings)
    try:
        try:
            source_id, progress = walk.start(rt, source, since, restart=restart)
        except walk.BackfillError as exc:
            raise click.ClickException(str(exc)) from exc
        queued = False
        if progress.state == "running" and not settings.embedded:
            from workers.backfill_tasks import backfill_page

            backfill_page.delay(source_id, progress.cursor)
            queued = True
        elif progress.state == "running":
            progress = _walk_here(rt, source_id, progress, quiet=as_json) or progress
    finally:
        rt.close()
    _report(source, progress, queued=queued, as_json=as_json)


def _walk_here(rt, source_id: int, progress, *, quiet: bool):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from workers import backfill as walk

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.fields[status]}"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), disable=quiet, transient=False) as bar:
        task = bar.add_task(f"backfill to {progress.since}", total=1000, status=_status(progress))

        def on_page(current) -> None:
            bar.update(task, completed=int(1000 * walk.covered_fraction(current, rt.clock())), status=_status(current))

        return walk.run(rt, source_id, on_page=on_page)


def _status(progress) -> str:
    oldest = f", reached {progress.oldest[:10]}" if progress.oldest else ""
    return f"{progress.pages_done} pages, {progress.articles} articles{oldest}"


def _report(source: str, progress, *, queued: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"source": source, "queued": queued, **progress.to_json()}, ensure_ascii=False, indent=2))
        return
    if queued:
        click.echo(f"{source}: backfill to {progress.since} queued on the backfill queue, "
                   f"from page {progress.cursor['page'] + 1}")
        return
    line = f"{source}: backfill to {progress.since} {progress.state}: {_status(progress)}"
    if progress.reason:
        line += f" ({progress.reason})"
    if progress.error:
        line += f"; last error: {progress.error}"
    click.echo(line)
    if progress.state == "failed":
        raise click.exceptions.Exit(1)


if __name__ == "__main__":
    # ``python -m summitwatch.cli_backfill backfill ...``: the command inside the real group, so
    # settings and logging are set up exactly as under ``summitwatch``.
    from summitwatch.cli import main

    main.add_command(backfill)
    main()
