-- The id of the OpenTelemetry trace an event's processing belongs to (32 hex digits), kept when
-- traces are on (docs/operations.md, Traces): GET /admin/events/{id} shows it as traceId and the
-- console links it to storeganise.console.trace-url. Portable H2 2.3 / PostgreSQL 15.
ALTER TABLE hub_event ADD COLUMN trace_id VARCHAR(32);
