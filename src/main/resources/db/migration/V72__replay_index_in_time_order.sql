-- The bulk replay's index in the order deliveries change (issue 17: writes per delivery). Keyed by event id,
-- each delivered row landed at a random place of its (destination, status) range, so every group commit
-- rewrote one more leaf page per delivery; keyed by when the row last changed, rows are appended at the
-- range's end, where one page takes a whole commit's rows. The replay now pages by (updated_at, event_id)
-- (io.storehub.hub.history.DeliveryMatches). Portable H2 2.3 / PostgreSQL 15.
DROP INDEX IF EXISTS hub_delivery_replay;
CREATE INDEX IF NOT EXISTS hub_delivery_replay ON hub_delivery (destination, status, updated_at, event_id);
