"""The conventions of docs/conventions.md that a machine can check, over every public method of
every resource the client exposes (a new family is covered by being a `ContactCenter`
attribute), plus `ReportJob` and `RealtimeWatch`-style objects the resources return."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import eightbyeight_async
from eightbyeight_async import ContactCenter, DetailedReportJob, ReportJob
from eightbyeight_async._endpoints import keyword_options

PAGING = frozenset({"limit", "prefetch", "page_size"})

NO_REQUEST = {
    "ClickToDial.make_call_url": "builds a URL for the agent's browser; sends nothing",
    "RecordingControl.browser_url": "builds a URL for the agent's browser; sends nothing",
    "Analytics.report": "re-attaches a ReportJob; its methods send the requests",
    "DetailedReportJob.failure": "builds the ReportFailedError of a FAILED report",
}
"""Methods that send no request, so take no per-call `timeout=`/`retry=`."""

OWN_TIMEOUT = {
    "ReportJob.wait": "its timeout= is the overall deadline of the polling",
    "Streaming.subscribe": "a stream detects stalls and reconnects by its ReconnectPolicy",
    "Events.subscribe": "a WebSocket pings (ping_timeout=) and reconnects by its ReconnectPolicy",
    "Events.consume": "a WebSocket pings (ping_timeout=) and reconnects by its ReconnectPolicy",
    "Stats.fan_out": "passes its arguments, timeout= and retry= included, to each listing",
}
"""Methods whose `timeout` means something else (docs/conventions.md, Arguments)."""

DELETE_RESULTS = {"Callbacks.delete": "WebCallbackDeletion"}
"""The one delete that returns the API's per-item report instead of None."""


def resource_classes() -> list[type]:
    cc = ContactCenter()
    classes = {
        type(value)
        for name, value in vars(cc).items()
        if not name.startswith("_")
        and type(value).__module__.startswith(
            ("eightbyeight_async._resources", "eightbyeight_async._streaming")
        )
    }
    assert all(cls.__name__ in eightbyeight_async.__all__ for cls in classes)
    return sorted(classes | {ReportJob, DetailedReportJob}, key=lambda cls: cls.__name__)


def public_methods() -> Iterator[tuple[str, Callable[..., object]]]:
    for cls in resource_classes():
        for name, method in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                yield f"{cls.__name__}.{name}", method


METHODS = dict(public_methods())


def test_every_family_is_walked() -> None:
    walked = {qualified.split(".")[0] for qualified in METHODS}
    expected = {"Stats", "Realtime", "Recordings", "Schedules", "Attachments", "Callbacks"}
    assert expected | {"Analytics", "RecentCalls", "ReportJob", "Streaming", "Events"} <= walked
    assert len(METHODS) > 50


def sends_a_request(qualified: str) -> bool:
    return qualified not in NO_REQUEST


@pytest.mark.parametrize("qualified", sorted(METHODS))
def test_paging_arguments_are_keyword_only(qualified: str) -> None:
    parameters = inspect.signature(METHODS[qualified]).parameters.values()
    positional = {p.name for p in parameters if p.kind is not inspect.Parameter.KEYWORD_ONLY}
    assert not positional & PAGING, f"{qualified}: {sorted(positional & PAGING)} not keyword-only"


@pytest.mark.parametrize("qualified", sorted(METHODS))
def test_every_request_takes_a_per_call_timeout_and_retry(qualified: str) -> None:
    if not sends_a_request(qualified) or qualified in OWN_TIMEOUT:
        return
    accepted = keyword_options(METHODS[qualified])
    assert {"timeout", "retry"} <= accepted, f"{qualified} takes no per-call timeout=/retry="


@pytest.mark.parametrize("qualified", sorted(METHODS))
def test_one_time_zone_name(qualified: str) -> None:
    accepted = keyword_options(METHODS[qualified])
    assert "timezone" not in accepted, f"{qualified}: the time zone argument is tz="


@pytest.mark.parametrize("qualified", sorted(METHODS))
def test_list_and_get_names(qualified: str) -> None:
    assert qualified.split(".")[1] != "all", f"{qualified}: a listing is list() or a plural noun"


def return_type(qualified: str) -> object:
    method = METHODS[qualified]
    return typing.get_type_hints(method)["return"]


@pytest.mark.parametrize("qualified", sorted(q for q in METHODS if ".delete" in q))
def test_deletes_return_none_or_the_apis_own_report(qualified: str) -> None:
    returned = return_type(qualified)
    if qualified in DELETE_RESULTS:
        assert getattr(returned, "__name__", None) == DELETE_RESULTS[qualified]
    else:
        assert returned is type(None), f"{qualified} returns {returned}, not None"


@pytest.mark.parametrize("qualified", sorted(q for q in METHODS if ".download" in q))
def test_downloads_return_a_path_or_a_list_of_paths(qualified: str) -> None:
    assert return_type(qualified) in (Path, list[Path]), f"{qualified}: return a Path"


def test_the_walk_sees_deletes_and_downloads() -> None:
    assert sum(".delete" in q for q in METHODS) >= 3
    assert sum(".download" in q for q in METHODS) >= 4
