-- A console session of a tenant's user (storeganise.tenants.<name>.console.username) sees only that
-- tenant (docs/tenants.md, Access); null for the hub's own user or the admin token, who see all.
-- Portable H2 2.3 / PostgreSQL 15.
ALTER TABLE hub_console_session ADD COLUMN tenant VARCHAR(64);
