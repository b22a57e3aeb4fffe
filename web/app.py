"""The web app: the API under ``/api/``, the dashboard, health, readiness and metrics.

``create_app`` builds a self-contained app: its settings, database engine, templates and
metrics registry live on ``app.state``; nothing is shared through module globals, so tests
and processes can hold several apps side by side. The OpenAPI schema is at
``/openapi.json`` and its browser at ``/docs``, served from local files (no CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from sqlalchemy.engine import Engine

from storage.db import make_engine
from summitwatch import metrics
from summitwatch.settings import Settings, get_settings
from web import api, pages
from web.formatting import FILTERS
from web.health import broker_problem, database_problem

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
# How often an open timeline asks for new events.
LIVE_POLL_S = 10.0


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine if engine is not None else make_engine(settings.effective_database_url)
    collectors: list[Any] = [metrics.DatabaseCollector(engine)]
    queue_depth = _queue_depth(settings.redis_url)
    if queue_depth is not None:
        collectors.append(queue_depth)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if queue_depth is not None:
            queue_depth.close()
        if owns_engine:
            engine.dispose()

    app = FastAPIOffline(
        title="SummitWatch",
        summary="Diplomatic events in Central Asia, from news in Kazakh, Russian, Uzbek and English.",
        version="0.1.0",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.templates = _templates()
    app.state.metrics_registry = metrics.scrape_registry(*collectors)
    app.state.live_poll_s = LIVE_POLL_S
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _add_operations(app)
    return app


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.filters.update(FILTERS)
    return templates


def _queue_depth(redis_url: str) -> metrics.QueueDepthCollector | None:
    if not redis_url:
        return None
    from workers.celery_app import QUEUES

    return metrics.QueueDepthCollector(redis_url, QUEUES)


def _add_operations(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="The database (and the broker, when configured) answer")
    def readyz(request: Request) -> JSONResponse:
        state = request.app.state
        checks = {"database": database_problem(state.engine)}
        if state.settings.redis_url:
            checks["broker"] = broker_problem(state.settings.redis_url)
        ready = not any(checks.values())
        body = {"status": "ready" if ready else "not ready",
                "checks": {name: problem or "ok" for name, problem in checks.items()}}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    def prometheus(request: Request) -> Response:
        return Response(metrics.exposition(request.app.state.metrics_registry), media_type=metrics.CONTENT_TYPE)
