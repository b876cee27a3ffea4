-- Console sign-ins (io.storehub.hub.console.ConsoleSecurity). In the database so that every replica
-- knows every session; signing out deletes the row. The cookie holds a random id, the table only
-- its SHA-256 (a copy of the table signs no one in).
CREATE TABLE IF NOT EXISTS hub_console_session (
    id_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    csrf_token VARCHAR(64) NOT NULL,
    username VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS hub_console_session_expires ON hub_console_session (expires_at);
