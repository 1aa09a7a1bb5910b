"""create_app(): lifespan, middleware, exception handlers and routers."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import FrameType

from fastapi import FastAPI

from kanbo import __version__
from kanbo.config import get_settings
from kanbo.core.db import Database
from kanbo.events.live import LiveStreams
from kanbo.http import openapi, problems
from kanbo.http.middleware import KanboMiddleware
from kanbo.http.ratelimit import create_rate_limiter
from kanbo.http.responses import HalResponse
from kanbo.web import docs, spa
from kanbo.wiring import wire

log = logging.getLogger("kanbo")


def _end_streams_on_signals(live: LiveStreams) -> Callable[[], None]:
    """uvicorn waits for every open response to finish before it runs the lifespan's shutdown, and an event
    stream does not finish by itself: so SIGTERM and SIGINT first end the streams, then go on to the handler
    that was there (uvicorn's, which begins the shutdown). Returns what puts the previous handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set signal handlers (nobody else gets the signals)
    installed: dict[int, tuple[Callable[[int, FrameType | None], None], object]] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(signum)

        def handler(sig: int, frame: FrameType | None, previous: object = previous) -> None:
            live.end_all()
            if callable(previous):
                previous(sig, frame)
            elif previous == signal.SIG_DFL:  # what the signal would have done: do it
                signal.signal(sig, signal.SIG_DFL)
                signal.raise_signal(sig)

        signal.signal(signum, handler)
        installed[signum] = (handler, previous)

    def restore() -> None:
        for signum, (handler, previous) in installed.items():
            if signal.getsignal(signum) is handler:
                signal.signal(signum, previous)  # type: ignore[arg-type]

    return restore


def create_app(database_url: str | None = None) -> FastAPI:
    settings = get_settings()
    wire()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(database_url)
        app.state.rate_limiter = create_rate_limiter(settings.http.redis_url)
        app.state.live = LiveStreams(app.state.db)
        await app.state.live.start()
        restore_signals = _end_streams_on_signals(app.state.live)
        worker = None
        if get_settings().worker.in_process:
            from kanbo.webhooks.worker import EmbeddedWorker

            worker = EmbeddedWorker(app.state.db)
            worker.start()
        try:
            yield
        finally:
            restore_signals()
            await app.state.live.close()
            if worker is not None:
                await worker.close()
            await app.state.rate_limiter.close()
            await app.state.db.dispose()

    app = FastAPI(
        title="Kanbo",
        version=__version__,
        default_response_class=HalResponse,
        lifespan=lifespan,
        docs_url=None,  # web/docs.py serves Swagger UI from local files
        redoc_url=None,
        openapi_url=docs.OPENAPI_URL,
    )
    problems.install(app)
    app.add_middleware(KanboMiddleware, max_body_bytes=settings.http.max_body_bytes)

    from kanbo.accounts.roles_routes import router as roles_router
    from kanbo.accounts.routes import router as accounts_router
    from kanbo.accounts.tokens_routes import router as tokens_router
    from kanbo.accounts.users_routes import router as users_router
    from kanbo.auth.routes import router as oauth_router
    from kanbo.calls.routes import router as calls_router
    from kanbo.companies.routes import router as companies_router
    from kanbo.contacts.routes import router as contacts_router
    from kanbo.custom_fields.routes import router as custom_fields_router
    from kanbo.events.routes import router as events_router
    from kanbo.leads.routes import router as leads_router
    from kanbo.links.routes import router as links_router
    from kanbo.notes.routes import router as notes_router
    from kanbo.pipelines.routes import router as pipelines_router
    from kanbo.search.routes import router as search_router
    from kanbo.tags.routes import router as tags_router
    from kanbo.tasks.routes import router as tasks_router
    from kanbo.unsorted.routes import router as unsorted_router
    from kanbo.web.pages import router as pages_router
    from kanbo.web.pages import session_router
    from kanbo.webhooks.routes import router as webhooks_router

    app.include_router(accounts_router)
    app.include_router(users_router)
    app.include_router(roles_router)
    app.include_router(tokens_router)
    app.include_router(oauth_router)
    app.include_router(custom_fields_router)
    app.include_router(pipelines_router)
    app.include_router(tags_router)
    app.include_router(links_router)
    app.include_router(notes_router)
    app.include_router(unsorted_router)  # before leads: /api/v4/leads/unsorted…
    app.include_router(leads_router)
    app.include_router(calls_router)
    app.include_router(contacts_router)
    app.include_router(companies_router)
    app.include_router(search_router)
    app.include_router(events_router)
    app.include_router(tasks_router)
    app.include_router(webhooks_router)
    app.include_router(pages_router)
    app.include_router(session_router)
    docs.install(app)
    openapi.install(app)
    spa.install(app)  # last: it answers the paths no other route has
    return app
