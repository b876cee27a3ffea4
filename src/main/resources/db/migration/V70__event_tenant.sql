-- The tenant of each event (docs/tenants.md, Access): null for the hub's own top-level configuration.
-- A tenant's event id is qualified (acme~<Storeganise id>), and the column holds what precedes the ~,
-- written by the history with the event row; GET /admin/events?tenant= and every tenant-scoped search
-- filter on it. Portable H2 2.3 / PostgreSQL 15.
ALTER TABLE hub_event ADD COLUMN tenant VARCHAR(64);

-- events recorded between the tenants' arrival and this column: their tenant is in their id
UPDATE hub_event SET tenant = SUBSTRING(id FROM 1 FOR POSITION('~' IN id) - 1) WHERE POSITION('~' IN id) > 1;

-- a tenant's events newest first (the tenant filter with the search's order and cursor)
CREATE INDEX IF NOT EXISTS hub_event_tenant ON hub_event (tenant, received_at DESC, id DESC);
