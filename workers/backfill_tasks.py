"""The backfill queue's task: one archive page per task, then the next page is enqueued.

A walk is a chain of short tasks on the ``backfill`` queue, so it never holds a worker for
hours and never sits in front of live polls on the ``fetch`` queue. The articles a page adds
go through the normal fetch and process tasks; their fetches are sent to the ``backfill``
queue too, and ahead of the next page, so an archive of ten thousand articles waits its turn
behind live work instead of flooding the fetch queue.
"""

from __future__ import annotations

from typing import Any

from workers import backfill
from workers.celery_app import app
from workers.runtime import process_runtime
from workers.tasks import RETRY, fetch_article

QUEUE = "backfill"


@app.task(**RETRY)
def backfill_page(source_id: int, cursor: dict[str, Any]) -> int:
    report = backfill.walk_page(process_runtime(), source_id, cursor)
    for article_id in report.article_ids:
        fetch_article.apply_async((article_id,), queue=QUEUE)
    if report.next_cursor is not None:
        backfill_page.apply_async((source_id, report.next_cursor), queue=QUEUE, countdown=report.countdown_s)
    return len(report.article_ids)
