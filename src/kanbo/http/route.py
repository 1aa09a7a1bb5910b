"""The request owns the transaction: one per request, committed after the handler succeeds.

Every API router uses :class:`TxRoute`. Services only flush; this is the single place that commits.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.responses import Response

from kanbo.core.db import Database

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class IdConvertor(IntegerConvertor):
    """``{name:id}``: an entity id that fits a BIGINT; longer digit runs match no route (404)."""

    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())


class TxRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def in_transaction(request: Request) -> Response:
            database: Database = request.app.state.db
            write = request.method not in READ_METHODS
            if write:
                # Read the body before taking the writer's turn: a slow client must not hold it.
                await request.body()
            async with database.writer(write), database.session(write=write) as session:
                request.state.db = session
                await session.begin()
                try:
                    response = await handler(request)
                except BaseException:
                    await session.rollback()
                    raise
                await session.commit()
                return response

        return in_transaction


def db_session(request: Request) -> AsyncSession:
    session: AsyncSession = request.state.db
    return session
