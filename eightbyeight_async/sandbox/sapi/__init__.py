"""The Streaming API (SAPI) simulator: `StreamingServer` (clock, generator, subscriptions),
its registry and stream state, the event factory and the HTTP stream endpoint."""
