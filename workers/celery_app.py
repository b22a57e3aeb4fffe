"""The Celery app: Redis broker from ``REDIS_URL``, one queue per kind of work.

Reliability: a task is acknowledged only after it ran (``acks_late``) and is redelivered when
its worker dies (``task_reject_on_worker_lost``); every task is idempotent, so a redelivery
converges to the same rows. Work whose message is lost anyway (a Redis restart: this Redis
keeps nothing on disk) is found again by the periodic tick from the database.
"""

from __future__ import annotations

from celery import Celery, signals
from kombu import Queue

from schedules.beat import beat_schedule
from summitwatch.logging import configure_logging, get_logger
from summitwatch.settings import get_settings

# The tick and source polls have a queue of their own: behind a backlog of article fetches
# they would wait past their expiry and sources would stop being polled.
QUEUES = ("dispatch", "fetch", "process", "alerts", "backfill")


def make_app() -> Celery:
    settings = get_settings()
    app = Celery("summitwatch", broker=settings.redis_url or "redis://127.0.0.1:6379/0", include=["workers.tasks", "workers.backfill_tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue="process",
        task_queues=[Queue(name) for name in QUEUES],
        task_routes={
            "workers.tasks.tick": {"queue": "dispatch"},
            "workers.tasks.poll_source": {"queue": "dispatch"},
            "workers.tasks.fetch_article": {"queue": "fetch"},
            "workers.tasks.process_article": {"queue": "process"},
            "workers.tasks.deliver_alert": {"queue": "alerts"},
            "workers.backfill_tasks.*": {"queue": "backfill"},
        },
        # Longer than the longest task, so Redis does not redeliver a task still running.
        broker_transport_options={"visibility_timeout": 3600},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        task_send_sent_event=True,
        task_time_limit=600,
        task_soft_time_limit=540,
        beat_schedule=beat_schedule(settings),
        timezone="UTC",
    )
    return app


app = make_app()


@signals.setup_logging.connect
def _setup_logging(**_kwargs) -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)


@signals.task_prerun.connect
def _bind_task(task_id=None, task=None, **_kwargs) -> None:
    import structlog

    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=task_id, task_name=task.name if task else None)


@signals.task_postrun.connect
def _unbind_task(**_kwargs) -> None:
    import structlog

    structlog.contextvars.clear_contextvars()


@signals.worker_init.connect
def _serve_metrics(**_kwargs) -> None:
    settings = get_settings()
    if settings.metrics_port:
        from summitwatch import metrics

        metrics.serve_metrics(settings.metrics_port, redis_url=settings.redis_url, queues=QUEUES)


@signals.worker_process_shutdown.connect
def _close_runtime(**_kwargs) -> None:
    import os

    from summitwatch import metrics
    from workers.runtime import process_runtime

    if process_runtime.cache_info().currsize:
        process_runtime().close()
    metrics.mark_process_dead(os.getpid())


log = get_logger(__name__)
