"""The per-API request handlers: each service keeps one API's state, controls and endpoint
(statistics, real-time, schedules, recordings, recording control, callbacks, interaction
data, External IVR, attachments, analytics, Recent Calls), with the shared Basic/OAuth
checks, fault injection and rendering."""
