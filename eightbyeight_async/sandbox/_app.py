"""The sandbox's ASGI application: every simulated API behind one fault-injecting middleware."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp

from ._auth import TokenIssuer
from ._faults import FaultMiddleware, FaultPlan
from ._stats import StatsApi, StatsService
from ._streaming import StreamingServer
from ._streaming_wire import PATH as STREAMING_PATH
from ._streaming_wire import StreamEndpoint


def build_app(
    stats_service: StatsService,
    faults: FaultPlan,
    tokens: TokenIssuer,
    streaming: StreamingServer,
) -> ASGIApp:
    """The application serving one tenant: contact-center paths and the api.8x8.com paths."""
    stats = StatsApi(stats_service)
    data_token = stats_service.tenant.credentials.data_token
    routes = [
        Route("/api/stats/{path:path}", stats.endpoint, methods=["GET"]),
        Route(STREAMING_PATH, StreamEndpoint(streaming, data_token), methods=["GET"]),
        Route("/oauth/v2/token", tokens.token_endpoint, methods=["POST"]),
    ]
    return FaultMiddleware(Starlette(routes=routes), faults)
