"""Sinks and readers on real brokers: the event streams bridged into Redis Streams."""
