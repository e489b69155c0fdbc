"""The tenant generator: a seeded tenant's directory and events (`generate_tenant`), the
documented record types (`_entities`) and the data derived from them that every service
shares (recordings, analytics rows, 30-minute aggregates, live interaction ids)."""
