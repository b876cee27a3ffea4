-- One index fewer to update on every delivered (event, destination) (issue 17: writes per delivery).
-- hub_delivery_status (status) served no query: the history's outcome filter looks a delivery up by
-- its event (the primary key, event_id first), the destination pages and the bulk replay by destination
-- (hub_delivery_destination, hub_delivery_replay). Portable H2 2.3 / PostgreSQL 15.
DROP INDEX IF EXISTS hub_delivery_status;
