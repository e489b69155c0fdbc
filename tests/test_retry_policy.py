"""The retry policy's three decisions: whether to retry, Retry-After parsing, backoff bounds."""

from __future__ import annotations

import random
import ssl
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from eightbyeight_async import ConfigurationError, DecodeError, RetryPolicy
from eightbyeight_async._retry import (
    cause_chain,
    is_permanent,
    parse_retry_after,
    retry_delay,
    should_retry,
)

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
        (408, True, True),
        (400, True, False),
        (409, True, False),
        (422, True, False),
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
    assert not should_retry(POLICY, 4, idempotent=True, status_code=503, elapsed=15.0)
    assert not should_retry(RetryPolicy.disabled(), 1, idempotent=True, status_code=503)
    assert not should_retry(
        RetryPolicy(max_retries=0), 1, idempotent=False, error=httpx.ConnectError("x")
    )


def test_idempotent_calls_retry_within_the_time_budget_after_the_count_is_spent() -> None:
    policy = RetryPolicy(max_retries=2, max_elapsed=10.0)
    assert should_retry(policy, 9, idempotent=True, status_code=502, elapsed=9.9)
    assert not should_retry(policy, 9, idempotent=True, status_code=502, elapsed=10.0)
    assert should_retry(policy, 2, idempotent=True, status_code=502, elapsed=60.0)
    error = httpx.ConnectError("refused")
    assert should_retry(policy, 9, idempotent=True, error=error, elapsed=1.0)


@pytest.mark.parametrize(
    ("status", "error"),
    [(429, None), (500, None), (None, httpx.ReadTimeout("stalled")), (None, DecodeError("x"))],
)
def test_the_time_budget_extends_only_outages(status: int | None, error: Exception | None) -> None:
    policy = RetryPolicy(max_retries=2, max_elapsed=10.0)
    assert should_retry(policy, 2, idempotent=True, status_code=status, error=error)
    assert not should_retry(
        policy, 3, idempotent=True, status_code=status, error=error, elapsed=1.0
    )


def test_a_post_counts_retries_only_and_keeps_the_never_twice_rule() -> None:
    policy = RetryPolicy(max_retries=2, max_elapsed=10.0)
    refused = httpx.ConnectError("refused")
    assert should_retry(policy, 2, idempotent=False, error=refused, elapsed=0.0)
    assert not should_retry(policy, 3, idempotent=False, error=refused, elapsed=0.0)
    assert not should_retry(policy, 1, idempotent=False, status_code=502, elapsed=0.0)
    assert not should_retry(policy, 1, idempotent=False, error=httpx.ReadError("reset"))


def test_zero_retries_disables_whatever_the_budget() -> None:
    assert not should_retry(RetryPolicy(max_retries=0), 1, idempotent=True, status_code=503)
    assert RetryPolicy.disabled().max_elapsed == 0
    assert RetryPolicy.instant().max_elapsed == 0
    assert RetryPolicy().max_elapsed == 15.0


def _verify_failure(*, hide_in_chain: bool) -> httpx.ConnectError:
    reason = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate bad")
    if not hide_in_chain:
        error = httpx.ConnectError(str(reason))
        error.__cause__ = reason
        return error
    middle = Exception()  # trio's BrokenResourceError, raised `from` the SSL error
    middle.__cause__ = reason
    error = httpx.ConnectError("")
    error.__context__ = middle
    return error


@pytest.mark.parametrize("hide_in_chain", [False, True])
@pytest.mark.parametrize("idempotent", [False, True])
def test_a_certificate_verification_failure_is_never_retried(
    hide_in_chain: bool, idempotent: bool
) -> None:
    error = _verify_failure(hide_in_chain=hide_in_chain)
    assert is_permanent(error)
    assert not should_retry(POLICY, 1, idempotent=idempotent, error=error)
    assert not is_permanent(httpx.ConnectError("refused"))


def test_cause_chain_follows_causes_and_contexts_and_stops_on_cycles() -> None:
    first, second, third = ValueError("a"), KeyError("b"), OSError("c")
    first.__cause__ = second
    second.__context__ = third
    third.__cause__ = first  # a cycle
    assert list(cause_chain(first)) == [first, second, third]


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
        {"max_elapsed": -1},
    ],
)
def test_invalid_policy_is_a_configuration_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match="RetryPolicy"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
