"""Defaults and version tables the client and its resources share, kept apart from both so
neither has to import the other for them (the home of every tunable as the SDK is rebuilt)."""

from __future__ import annotations

from typing import Final

ANALYTICS_VERSIONS: Final = ("v7", "v8")
"""The CC Historical Analytics API versions the SDK speaks."""
DEFAULT_ANALYTICS_VERSION: Final = "v8"
"""The document says v7; the vendor's current documentation, v8 (same flow)."""
