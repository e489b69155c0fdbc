"""`eightbyeight`: the command-line program (needs the `cli` extra: click and rich).

eightbyeight demo
eightbyeight export stats all-interactions --dates today-30d,today --out calls.jsonl
eightbyeight export interactions --start 2026-05-01 --end 2026-06-01 --out calls.jsonl
eightbyeight stream --subscription-id crm-sync --out events.jsonl
eightbyeight bridge --source sapi --subscription-id crm-sync --to redis://127.0.0.1:6379/0
"""

from . import _bridge, _demo, _export, _export_interactions, _realtime, _report, _sandbox, _stream
from ._main import main, program

__all__ = ["main", "program"]
del (
    _bridge,
    _demo,
    _export,
    _export_interactions,
    _realtime,
    _report,
    _sandbox,
    _stream,
)  # imported to register its commands on `program`
