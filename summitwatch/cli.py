"""The ``summitwatch`` command."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from summitwatch.logging import configure_logging
from summitwatch.settings import get_settings


def _settings():
    try:
        return get_settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise click.ClickException(f"invalid settings: {exc}") from exc


@click.group()
def main() -> None:
    """SummitWatch: a monitor of Central Asian diplomacy."""
    settings = _settings()
    # Logs go to stderr; with --json, stdout carries only the JSON.
    configure_logging("WARNING" if settings.log_level == "INFO" else settings.log_level, settings.log_format)


@main.command()
def migrate() -> None:
    """Apply the database migrations (Alembic) to DATABASE_URL."""
    from storage.db import make_engine, migrate as run_migrations

    settings = _settings()
    engine = make_engine(settings.effective_database_url)
    run_migrations(engine)
    click.echo(f"schema up to date on {engine.url.render_as_string(hide_password=True)}")


@main.command()
@click.argument("seeds_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
@click.option("--fresh", is_flag=True, help="Start from an empty embedded database.")
@click.option("--all-at-once", is_flag=True, help="Publish every seed at once instead of in publication order.")
@click.option("--port", type=int, default=None, help="Fixture site port (default SUMMITWATCH_FIXTURE_PORT).")
def replay(seeds_dir: Path | None, as_json: bool, fresh: bool, all_at_once: bool, port: int | None) -> None:
    """Serve the seed outlets on the fixture site and run the whole pipeline on them."""
    from summitwatch import replay as replay_mod
    from summitwatch.report import print_replay

    settings = _settings()
    if fresh:
        _drop_embedded_database(settings)
    options = replay_mod.ReplayOptions(seeds_dir=seeds_dir, ordered=not all_at_once, port=port)
    if as_json:
        outcome = replay_mod.replay(options, settings=settings)
        click.echo(json.dumps(outcome, ensure_ascii=False, indent=2, default=str))
        return
    from summitwatch.report import make_console

    console = make_console()
    with console.status("replaying the seed coverage…") as status:
        outcome = replay_mod.replay(options, settings=settings, progress=lambda line: status.update(line))
    print_replay(outcome, console)


def _drop_embedded_database(settings) -> None:
    url = settings.effective_database_url
    if not url.startswith("sqlite:///"):
        raise click.ClickException("--fresh only empties the embedded SQLite database")
    path = Path(url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The article's URL.")
@click.option("--published-at", default=None, help="ISO time of publication, e.g. 2025-11-15T11:45:00+05:00.")
@click.option("--source", "source_key", default=None, help="Registry key of the publishing source.")
@click.option("--timezone", "tz", default=None, help="The source's IANA zone (default: the source's, else UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default output).")
def extract(file: Path, url: str | None, published_at: str | None, source_key: str | None, tz: str | None,
            as_json: bool) -> None:
    """Extract event mentions from a text or HTML file; prints mentions with fields and spans."""
    from summitwatch.analysis import extract_file

    mentions = extract_file(file, url=url, published_at=_parse_time(published_at), source_key=source_key,
                            timezone=tz)
    click.echo(json.dumps(mentions, ensure_ascii=False, indent=2))


@main.command(name="eval")
@click.option("--docs", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--predictions", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write one line of predicted events per document.")
def evaluate(docs: Path, gold: Path, as_json: bool, predictions: Path | None) -> None:
    """Run clean/extract/resolve on gold documents and score them."""
    from summitwatch.analysis import run_eval
    from workers.evaluate import format_report

    metrics, predicted = run_eval(docs, gold)
    if predictions:
        with predictions.open("w", encoding="utf-8") as out:
            for line in predicted:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    click.echo(json.dumps(metrics, ensure_ascii=False, indent=2) if as_json else format_report(metrics))


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO time: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@main.command()
@click.option("--interval", type=float, default=None, help="Seconds between dispatch rounds.")
def run(interval: float | None) -> None:
    """Run continuously: embedded in-process, or tell how to start the Celery fleet."""
    settings = _settings()
    if not settings.embedded:
        raise click.ClickException("REDIS_URL is set: start `summitwatch worker` and `summitwatch beat` instead")
    from schedules.registry import load_registry, upsert_sources
    from storage.db import session_scope
    from workers.embedded import EmbeddedRunner
    from workers.runtime import build_runtime

    rt = build_runtime(settings)
    with session_scope(rt.engine) as session:
        upsert_sources(session, load_registry(settings.sources_file))
    click.echo(f"embedded mode on {rt.engine.url.render_as_string(hide_password=True)}; Ctrl-C stops")
    try:
        EmbeddedRunner(rt).run_forever(interval or settings.dispatch_interval_s)
    except KeyboardInterrupt:
        pass
    finally:
        rt.close()


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--queues", "-Q", default="dispatch,fetch,process,alerts,backfill")
@click.option("--concurrency", "-c", type=int, default=2)
@click.pass_context
def worker(ctx: click.Context, queues: str, concurrency: int) -> None:
    """Start a Celery worker (needs REDIS_URL)."""
    _exec_celery(["worker", "-Q", queues, "-c", str(concurrency), "--loglevel", "INFO", *ctx.args])


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def beat(ctx: click.Context) -> None:
    """Start Celery beat: one periodic tick dispatches due sources."""
    settings = _settings()
    schedule = settings.data_dir / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    _exec_celery(["beat", "--loglevel", "INFO", "-s", str(schedule), *ctx.args])


def _exec_celery(args: list[str]) -> None:
    settings = _settings()
    if settings.embedded:
        raise click.ClickException("REDIS_URL is not set: workers need a broker (or use `summitwatch run`)")
    if args[0] == "worker" and settings.metrics_port:
        from summitwatch import metrics

        # Must be set before the interpreter starts, or the prefork children's counts are
        # invisible to the exporter in the parent.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics.fresh_multiprocess_dir())
    os.execvp(sys.executable, [sys.executable, "-m", "celery", "-A", "workers.celery_app:app", *args])


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List sources with their kind, languages and health."""
    if ctx.invoked_subcommand is not None:
        return
    from storage.db import session_scope
    from storage.queries import source_health
    from summitwatch.report import print_sources
    from workers.runtime import build_runtime

    rt = build_runtime(_settings())
    with session_scope(rt.engine) as session:
        health = source_health(session, datetime.now(timezone.utc))
    if as_json:
        click.echo(json.dumps(health, ensure_ascii=False, indent=2))
    else:
        print_sources(health)


@sources.command(name="load")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def sources_load(file: Path | None) -> None:
    """Upsert the source registry (default schedules/sources.yaml) by key."""
    from schedules.registry import load_registry, upsert_sources
    from storage.db import session_scope
    from workers.runtime import build_runtime

    settings = _settings()
    rt = build_runtime(settings)
    with session_scope(rt.engine) as session:
        inserted, updated = upsert_sources(session, load_registry(file or settings.sources_file))
    click.echo(f"{inserted} sources added, {updated} updated")


@sources.command(name="discover")
@click.argument("url")
def sources_discover(url: str) -> None:
    """Find a site's feeds and print a registry entry for it."""
    import yaml

    from workers.discover import discover
    from workers.fetch import Fetcher, FetchPolicy

    with Fetcher(FetchPolicy.from_settings_and_quirks(_settings(), {})) as fetcher:
        def get(target: str) -> tuple[int, str]:
            result = fetcher.fetch(target)
            return (result.status_code or 0, result.text or "")

        entry = discover(url, get)
    click.echo(yaml.safe_dump({"sources": [entry]}, allow_unicode=True, sort_keys=False))


@main.command()
@click.option("--batch", type=int, default=100, show_default=True, help="Articles per transaction batch.")
@click.option("--max-batches", type=int, default=None, help="Stop after this many batches.")
def reprocess(batch: int, max_batches: int | None) -> None:
    """Re-extract articles made by older extractor versions; print which events changed."""
    from workers.reprocess import reprocess as run_reprocess
    from workers.runtime import build_runtime

    rt = build_runtime(_settings())
    try:
        report = run_reprocess(rt, batch=batch, max_batches=max_batches)
    finally:
        rt.close()
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON.")
@click.option("--corpus", "corpus_size", type=int, default=500, show_default=True, help="Generated article pages.")
@click.option("--latency-runs", type=int, default=5, show_default=True, help="Seed replays timed for alert latency.")
@click.option("--scale", is_flag=True, help="The scale simulation on Celery, Redis and PostgreSQL instead.")
@click.option("--sources", type=int, default=1000, show_default=True, help="--scale: simulated sources.")
@click.option("--items", type=int, default=20, show_default=True, help="--scale: items per source.")
@click.option("--workers", type=int, default=2, show_default=True, help="--scale: worker processes.")
def bench(as_json: bool, corpus_size: int, latency_runs: int, scale: bool, sources: int, items: int,
          workers: int) -> None:
    """Measure the pipeline against the fixture site and print the numbers."""
    if scale:
        from bench.scale import run as run_scale

        outcome = run_scale(sources=sources, items=items, workers=workers)
    else:
        from bench.pipeline import run as run_pipeline
        from bench.resolution import run as run_resolution

        outcome = run_pipeline(corpus_size=corpus_size, latency_runs=latency_runs)
        outcome["resolution_10k_events"] = run_resolution()
    click.echo(json.dumps(outcome, indent=None if as_json else 2))


@main.group()
def alerts() -> None:
    """The alert outbox and channels."""


@alerts.command(name="list")
@click.option("--limit", type=int, default=50)
@click.option("--json", "as_json", is_flag=True)
def alerts_list(limit: int, as_json: bool) -> None:
    """Show the outbox with each alert's state."""
    from storage.db import session_scope
    from summitwatch.report import print_alerts
    from workers.outbox import list_alerts
    from workers.runtime import build_runtime

    rt = build_runtime(_settings())
    with session_scope(rt.engine) as session:
        rows = list_alerts(session, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        print_alerts(rows)


@alerts.command(name="test")
@click.argument("channel")
def alerts_test(channel: str) -> None:
    """Send a sample message to CHANNEL: a channel name from the rules, or an Apprise URL."""
    from workers.alerts import load_rules, resolve_channels
    from workers.outbox import send_test

    settings = _settings()
    env = dict(os.environ)
    channels = resolve_channels(channel, load_rules(settings.alert_rules_file, env=env), env)
    if not channels:
        raise click.ClickException(f"no channel named {channel!r} in the alert rules")
    urls = tuple(url for found in channels for url in found.urls)
    outcome = send_test(urls, datetime.now(timezone.utc))
    if not outcome.ok:
        raise click.ClickException(f"sending to {channels[0].name} failed: {outcome.error}")
    click.echo("sample alert sent")


def _register_commands() -> None:
    from summitwatch.cli_backfill import backfill
    from summitwatch.webcli import web

    main.add_command(web)
    main.add_command(backfill)


_register_commands()

if __name__ == "__main__":
    main()
