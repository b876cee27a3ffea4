-- Incidents of the failure-alert recipe (io.storehub.hub.recipes.IncidentStore, docs/recipes.md): one row
-- per destination holding its current or last incident. Every change is a conditional INSERT/UPDATE, so
-- with several hub instances on one database exactly one of them opens, reminds or closes an incident
-- (and sends that message). Portable H2 2.3 / PostgreSQL 15; times are epoch milliseconds.
CREATE TABLE IF NOT EXISTS hub_incident (
    destination VARCHAR(64) NOT NULL PRIMARY KEY,
    -- 1, 2, ...: the destination's incidents so far (this row is the last one)
    incident_no INTEGER NOT NULL,
    -- open, closed
    state VARCHAR(10) NOT NULL,
    failing_since BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    first_error VARCHAR(1000),
    http_status INTEGER,
    -- deliveries that failed during the incident, as the instances reported them at their checks
    failed INTEGER DEFAULT 0 NOT NULL,
    -- the last message decided (open, reminder, recovery), when, and the failed count it told
    notice VARCHAR(10) NOT NULL,
    notice_at BIGINT NOT NULL,
    notice_failed INTEGER DEFAULT 0 NOT NULL,
    -- its channels still to send: the alert destination ("to"), the Storeganise task
    to_pending BOOLEAN NOT NULL,
    task_pending BOOLEAN NOT NULL,
    -- the instance sending it holds it until then (another takes over after a crash)
    claimed_until BIGINT
);

-- The per-interval alert records of the recipe's earlier version (it kept no incidents) are not read any more.
DELETE FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'storeganise-alert';
