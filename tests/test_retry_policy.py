"""The retry policy's three decisions: whether to retry, Retry-After parsing, backoff bounds."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from eightbyeight_async import ConfigurationError, DecodeError, RetryPolicy
from eightbyeight_async._retry import parse_retry_after, retry_delay, should_retry

POLICY = RetryPolicy(max_retries=3)
NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("status", "idempotent", "expected"),
    [
        (429, True, True),
        (500, True, True),
        (502, True, True),
        (503, True, True),
        (504, True, True),
        (400, True, False),
        (401, True, False),
        (403, True, False),
        (404, True, False),
        (501, True, False),
        (503, False, False),
        (429, False, False),
    ],
)
def test_status_retry_decision(status: int, idempotent: bool, expected: bool) -> None:
    assert should_retry(POLICY, 1, idempotent=idempotent, status_code=status) is expected


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        (httpx.ConnectError("refused"), False, True),
        (httpx.ConnectTimeout("slow connect"), False, True),
        (httpx.PoolTimeout("pool"), False, True),
        (httpx.ReadError("reset"), False, False),
        (httpx.RemoteProtocolError("peer closed"), False, False),
        (httpx.ReadTimeout("stalled"), False, False),
        (httpx.ReadError("reset"), True, True),
        (httpx.RemoteProtocolError("peer closed"), True, True),
        (httpx.ReadTimeout("stalled"), True, True),
        (httpx.WriteError("broken pipe"), True, True),
        (DecodeError("truncated"), True, True),
        (DecodeError("truncated"), False, False),
        (ValueError("a bug, not the network"), True, False),
    ],
)
def test_error_retry_decision(error: Exception, idempotent: bool, expected: bool) -> None:
    assert should_retry(POLICY, 1, idempotent=idempotent, error=error) is expected


def test_retry_budget_is_respected() -> None:
    assert should_retry(POLICY, 3, idempotent=True, status_code=503)
    assert not should_retry(POLICY, 4, idempotent=True, status_code=503)
    assert not should_retry(RetryPolicy.disabled(), 1, idempotent=True, status_code=503)
    assert not should_retry(
        RetryPolicy(max_retries=0), 1, idempotent=False, error=httpx.ConnectError("x")
    )


def test_custom_retry_statuses() -> None:
    policy = RetryPolicy(retry_statuses={503})
    assert should_retry(policy, 1, idempotent=True, status_code=503)
    assert not should_retry(policy, 1, idempotent=True, status_code=500)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-5", 0.0),
        ("86400", 86400.0),
        ("99999999999", 99999999999.0),
        ("soon", None),
        ("inf", None),
        ("nan", None),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),
        ("Sun, 22 Nov 2026 12:02:00 GMT", 120.0),
        ("Sunday, 22-Nov-26 12:00:10 GMT", 10.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_retry_after_wins_but_is_capped() -> None:
    policy = RetryPolicy(initial_backoff=100, max_backoff=100, max_retry_after=30)
    rng = random.Random(1)
    assert retry_delay(policy, 1, retry_after=2.0, rng=rng) == 2.0
    assert retry_delay(policy, 1, retry_after=86400.0, rng=rng) == 30.0
    assert retry_delay(policy, 1, retry_after=0.0, rng=rng) == 0.0


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 8, 30])
def test_backoff_is_full_jitter_within_capped_window(attempt: int) -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0)
    window = min(8.0, 0.5 * 2 ** (attempt - 1))
    rng = random.Random(attempt)
    delays = [retry_delay(policy, attempt, rng=rng) for _ in range(500)]
    assert all(0.0 <= d <= window for d in delays)
    # full jitter spreads over the whole window rather than clustering at its top
    assert min(delays) < window * 0.1
    assert max(delays) > window * 0.9


def test_instant_policy_never_sleeps() -> None:
    policy = RetryPolicy.instant()
    rng = random.Random(0)
    assert policy.max_retries == 3
    assert all(retry_delay(policy, n, rng=rng) == 0.0 for n in range(1, 10))
    assert retry_delay(policy, 1, retry_after=120.0, rng=rng) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"initial_backoff": -0.1},
        {"max_backoff": float("inf")},
        {"max_retry_after": float("nan")},
    ],
)
def test_invalid_policy_is_a_configuration_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
