"""Readable terminal tables (rich) for the CLI."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def make_console() -> Console:
    # Piped output (make demo in CI) gets a width that keeps the table readable.
    console = Console()
    return console if console.is_terminal else Console(width=160)


def print_replay(outcome: dict[str, Any], console: Console | None = None) -> None:
    console = console or make_console()
    events = Table(title=f"Events ({outcome['articles']} articles replayed)", show_lines=True)
    for column in ("#", "event", "type", "dates", "status", "participants", "coverage", "figures"):
        events.add_column(column, overflow="fold")
    for index, event in enumerate(outcome["events"]):
        dates = event.get("date_start") or "?"
        if event.get("date_end") and event["date_end"] != event.get("date_start"):
            dates += f" – {event['date_end']}"
        coverage = "\n".join(f"{c['source']} ({c['language']})" for c in event["coverage"])
        conflicts = len(event.get("conflicts", []))
        figures = f"{len(event.get('claims', []))} claims" + (f", [bold red]{conflicts} conflict(s)[/]" if conflicts else "")
        events.add_row(str(index), event["title"], event["type"], dates, event["status"],
                       "\n".join(event["participants"]), coverage, figures)
    console.print(events)
    alerts = Table(title="Alerts")
    for column in ("kind", "event", "channel", "state"):
        alerts.add_column(column)
    for alert in outcome["alerts"]:
        index = alert.get("event_index")
        title = outcome["events"][index]["title"] if index is not None else "?"
        alerts.add_row(alert["kind"], title, alert.get("channel", ""), alert.get("state", ""))
    console.print(alerts)
    mentioned = outcome.get("mentioned_events") or []
    if mentioned:
        console.print(f"[dim]{len(mentioned)} event(s) mentioned only in passing (no alerts): "
                      + "; ".join(m["title"] for m in mentioned) + "[/]")


def print_sources(health: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or make_console()
    table = Table(title="Sources")
    for column in ("key", "kind", "languages", "state", "last outcome", "items/day", "since new item", "errors"):
        table.add_column(column)
    for row in health:
        since = row["seconds_since_new_item"]
        table.add_row(row["key"], row["kind"], ",".join(row["languages"] or []), row["state"],
                      row["last_outcome"] or "-", f"{row['items_per_day']:.1f}",
                      f"{since / 3600:.1f} h" if since is not None else "-", str(row["error_count"]))
    console.print(table)


def print_alerts(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or make_console()
    table = Table(title="Alert outbox")
    columns = ("id", "event_id", "kind", "channel", "state", "attempts", "created_at", "sent_at", "last_error")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*[str(row.get(column) if row.get(column) is not None else "") for column in columns])
    console.print(table)
