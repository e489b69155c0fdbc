"""Many offset paginators drained at once into one stream of `(source_id, record)` pairs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Generic, TypeVar

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectSendStream

from .._paginators import OffsetPaginator

T = TypeVar("T")


@contextlib.asynccontextmanager
async def merged(
    paginators: list[tuple[str, OffsetPaginator[T]]], width: int
) -> AsyncIterator[AsyncIterator[tuple[str, T]]]:
    """Records of all `paginators`, `width` drained at a time, as they arrive; a failure is
    raised in the consumer's loop, and leaving the block cancels whatever is still running."""
    send, receive = anyio.create_memory_object_stream[tuple[str, T] | Exception](width * 50)
    failure: Exception | None = None
    async with anyio.create_task_group() as tg:
        tg.start_soon(_produce, paginators, width, send)
        try:
            yield _Unwrapped(receive)
        except Exception as exc:  # re-raised below, not wrapped in an ExceptionGroup
            failure = exc
        finally:
            tg.cancel_scope.cancel()
            receive.close()
    if failure is not None:
        raise failure


async def _produce(
    paginators: list[tuple[str, OffsetPaginator[T]]],
    width: int,
    send: MemoryObjectSendStream[tuple[str, T] | Exception],
) -> None:
    """Drain `width` paginators at a time into `send`; a failure is sent, not raised."""
    limiter = anyio.CapacityLimiter(width)

    async def drain(source_id: str, paginator: OffsetPaginator[T], out: Any) -> None:
        async with limiter, out:
            try:
                async for record in paginator:
                    await out.send((source_id, record))
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                return  # the consumer has left; the cancellation is on its way
            except Exception as exc:  # handed to the consumer, in the order it happened
                with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                    await out.send(exc)

    async with send, anyio.create_task_group() as tg:
        for source_id, paginator in paginators:
            tg.start_soon(drain, source_id, paginator, send.clone())


class _Unwrapped(Generic[T]):
    """The consumer's side of a fan-out: records, with a producer's failure raised in place."""

    def __init__(self, receive: anyio.abc.ObjectReceiveStream[tuple[str, T] | Exception]) -> None:
        self._receive = receive

    def __aiter__(self) -> _Unwrapped[T]:
        return self

    async def __anext__(self) -> tuple[str, T]:
        try:
            item = await self._receive.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None
        if isinstance(item, Exception):
            raise item
        return item
