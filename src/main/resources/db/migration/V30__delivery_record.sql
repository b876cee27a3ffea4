-- One record per delivered (event, destination) (issue 17, docs/destinations.md "At most one success"):
-- the hub_delivery row is also the success record that "already delivered?" reads, and the timeline's
-- entry for the attempt that delivered it. Written once, by the group commit (io.storehub.hub.history.
-- DeliveryRecord), whether the history is on or off. Kept with its event's history, and at least for the
-- dedupe window (storeganise.webhook.dedupe-window) even when the history purge forgets the event; a row
-- whose event the history no longer holds is forgotten after the dedupe window (forget-delivery-records).
--   success_at            when the attempt that delivered it started (null: not delivered by a normal delivery)
--   success_attempt       that attempt's number (1 = the first try)
--   success_http_status   the destination's answer to it (http destinations)
--   success_ms            how long it took
-- A manual redelivery (an operator's) keeps its own success record in CAMEL_MESSAGEPROCESSED and
-- its attempt in hub_event_step; so do deliveries recorded before this version (for their dedupe window).
ALTER TABLE hub_delivery ADD COLUMN IF NOT EXISTS success_at TIMESTAMP;
ALTER TABLE hub_delivery ADD COLUMN IF NOT EXISTS success_attempt INTEGER;
ALTER TABLE hub_delivery ADD COLUMN IF NOT EXISTS success_http_status INTEGER;
ALTER TABLE hub_delivery ADD COLUMN IF NOT EXISTS success_ms BIGINT;

-- The fan-out's queued state is implied by the event's dispatch step: the "enriched" step lists the
-- destinations it queued (comma-separated), instead of one "queued" step and one hub_delivery row each.
ALTER TABLE hub_event_step ADD COLUMN IF NOT EXISTS destinations VARCHAR(4000);

-- The per-destination figures count the successes of the last hour and day (HistoryFigures): the
-- destination's index ends with success_at instead of a further index written with every delivery.
DROP INDEX IF EXISTS hub_delivery_destination;
CREATE INDEX IF NOT EXISTS hub_delivery_destination ON hub_delivery (destination, status, success_at);
