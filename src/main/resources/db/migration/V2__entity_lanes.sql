-- Per-entity ordering (docs/ordering.md): the work about one entity that is waiting behind an
-- earlier event of the same entity, or holding it up. One lane per stage and entity:
--   events|<key>                 events of the entity waiting to be dispatched again (a retry)
--   <destination>|<key>          deliveries of the entity to an ordered destination (retries, deferred, parked)
-- seq orders the items of a lane (the order their events were dispatched); the head is the lowest.
-- A lane only has rows while something of it waits: the common case (nothing failed) reads one
-- primary-key range and writes nothing.
CREATE TABLE IF NOT EXISTS hub_lane (
    lane VARCHAR(400) NOT NULL,
    event_id VARCHAR(100) NOT NULL,
    seq BIGINT NOT NULL,
    state VARCHAR(16) NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (lane, event_id)
);
CREATE INDEX IF NOT EXISTS hub_lane_order ON hub_lane (lane, seq);
