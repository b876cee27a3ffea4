-- One secondary index fewer on every hub_delivery row (issue 17: writes per delivery). The per-destination
-- figures (io.storehub.hub.history.HistoryFigures) counted the successes of the last hour and day through
-- hub_delivery_destination (destination, status, success_at); they now bound updated_at as well and read
-- the bulk replay's index (destination, status, updated_at, event_id), the same rows: a success's row is
-- updated when the attempt ends or later, so updated_at >= success_at. Portable H2 2.3 / PostgreSQL 15.
DROP INDEX IF EXISTS hub_delivery_destination;
