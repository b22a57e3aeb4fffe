"""Thin Celery tasks: load ids, call the stage runner, enqueue the next stage after commit.

Each task retries only on a named tuple of transient infrastructure errors; everything else
is recorded on its row by the stage runner and not retried blindly.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from workers import pipeline
from workers.celery_app import app
from workers.runtime import process_runtime

TRANSIENT = (OperationalError, DBAPIError, RedisConnectionError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 2, "retry_backoff_max": 120, "retry_jitter": True,
         "max_retries": 8}


@app.task(**RETRY)
def tick() -> int:
    rt = process_runtime()
    source_ids = pipeline.dispatch_due_sources(rt)
    for source_id in source_ids:
        poll_source.delay(source_id)
    # Lost work is re-enqueued only into an empty queue: while a backlog drains, a stale
    # article is most likely still queued, and re-enqueueing it would duplicate messages.
    idle = {name for name in ("fetch", "process") if _queue_depth(name) == 0}
    for article_id, state in pipeline.stale_work(rt):
        task, queue = (process_article, "process") if state == "fetched" else (fetch_article, "fetch")
        if queue in idle:
            task.delay(article_id)
    for alert_id in pipeline.due_alerts(rt):
        deliver_alert.delay(alert_id)
    _resume_stalled_backfills(rt)
    return len(source_ids)


def _resume_stalled_backfills(rt) -> None:
    from workers.backfill import stalled_walks
    from workers.backfill_tasks import QUEUE, backfill_page  # imports this module: not at the top

    for source_id, cursor in stalled_walks(rt):
        backfill_page.apply_async((source_id, cursor), queue=QUEUE)


def _queue_depth(name: str) -> int:
    with app.connection_for_read() as connection:
        return connection.default_channel.client.llen(name)


@app.task(**RETRY)
def poll_source(source_id: int) -> int:
    article_ids = pipeline.poll_source(process_runtime(), source_id)
    for article_id in article_ids:
        fetch_article.delay(article_id)
    return len(article_ids)


@app.task(**RETRY)
def fetch_article(article_id: int) -> None:
    if pipeline.fetch_article(process_runtime(), article_id) is not None:
        process_article.delay(article_id)


@app.task(**RETRY)
def process_article(article_id: int) -> int:
    alert_ids = pipeline.process_article(process_runtime(), article_id)
    for alert_id in alert_ids:
        deliver_alert.delay(alert_id)
    return len(alert_ids)


@app.task(**RETRY)
def deliver_alert(alert_id: int) -> str:
    return pipeline.deliver_alert(process_runtime(), alert_id)
