"""The sandbox's ASGI application: every simulated API behind one fault-injecting middleware."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp

from ._services import Services
from .events._endpoint import CONSUMER_PATH as EVENTS_CONSUMER_PATH
from .events._endpoint import READER_PATH as EVENTS_READER_PATH
from .events._endpoint import EventsEndpoint
from .sapi._streaming_wire import PATH as STREAMING_PATH
from .sapi._streaming_wire import StreamEndpoint
from .services._analytics import PATH as ANALYTICS_PATH
from .services._analytics import REGION_PATH as ANALYTICS_REGION_PATH
from .services._analytics import AnalyticsApi
from .services._attachments import PATH as ATTACHMENTS_PATH
from .services._callbacks import CREATE_PATH as CALLBACK_CREATE_PATH
from .services._callbacks import DELETE_PATH as CALLBACK_DELETE_PATH
from .services._external_ivr import PATH as EXTERNAL_IVR_PATH
from .services._faults import FaultMiddleware
from .services._interaction_data import GUID_PATH as INTERACTION_DATA_GUID_PATH
from .services._interaction_data import PATH as INTERACTION_DATA_PATH
from .services._realtime import PATH as REALTIME_PATH
from .services._recent_calls import PATH as RECENT_CALLS_PATH
from .services._recording_control import PATH as RECORDING_CONTROL_PATH
from .services._recordings import PATH as RECORDINGS_PATH
from .services._schedules import PATH as SCHEDULES_PATH
from .services._stats import StatsApi


def build_app(sandbox: Services) -> ASGIApp:
    """The application serving one tenant: contact-center paths, the api.8x8.com paths and
    the Event Streaming WebSocket paths (`/ws/v2/...`, which the fault middleware passes
    through untouched: `sb.events` has its own faults).

    Each simulated API keeps its state on the `Sandbox` (`sb.stats`, `sb.streaming`, ...),
    where tests reach its controls and ground truth; this only maps paths to it.
    """
    data_token = sandbox.tenant.credentials.data_token
    analytics = AnalyticsApi(sandbox.analytics)
    routes: list[BaseRoute] = [
        Route("/api/stats/{path:path}", StatsApi(sandbox.stats).endpoint, methods=["GET"]),
        Route(REALTIME_PATH, sandbox.realtime.endpoint, methods=["GET"]),
        Route(SCHEDULES_PATH, sandbox.schedules.endpoint, methods=["GET"]),
        Route(RECENT_CALLS_PATH, sandbox.recent_calls.endpoint, methods=["POST"]),
        Route(STREAMING_PATH, StreamEndpoint(sandbox.streaming, data_token), methods=["GET"]),
        Route("/oauth/v2/token", sandbox.tokens.token_endpoint, methods=["POST"]),
        Route(ANALYTICS_PATH, analytics.endpoint, methods=["GET", "POST"]),
        Route(ANALYTICS_REGION_PATH, analytics.endpoint, methods=["GET", "POST"]),
        Route(ATTACHMENTS_PATH, sandbox.attachments.endpoint, methods=["GET"]),
        Route(CALLBACK_CREATE_PATH, sandbox.callbacks.create_endpoint, methods=["GET", "POST"]),
        Route(CALLBACK_DELETE_PATH, sandbox.callbacks.delete_endpoint, methods=["DELETE"]),
        Route(
            INTERACTION_DATA_PATH, sandbox.interaction_data.endpoint, methods=["GET", "POST", "PUT"]
        ),
        Route(
            INTERACTION_DATA_GUID_PATH,
            sandbox.interaction_data.endpoint,
            methods=["GET", "POST", "PUT"],
        ),
        Route(EXTERNAL_IVR_PATH, sandbox.external_ivr.endpoint, methods=["GET", "POST"]),
        Route(RECORDINGS_PATH, sandbox.recordings.endpoint, methods=["GET", "DELETE"]),
        Route(RECORDING_CONTROL_PATH, sandbox.recording_control.endpoint, methods=["PUT"]),
        WebSocketRoute(EVENTS_READER_PATH, EventsEndpoint(sandbox.events, "reader")),
        WebSocketRoute(EVENTS_CONSUMER_PATH, EventsEndpoint(sandbox.events, "consumer")),
    ]
    return FaultMiddleware(Starlette(routes=routes), sandbox.faults)
