-- Registered kiosk stations. Only a hash of each credential is kept; the credential itself is
-- printed once when the station is added.
CREATE TABLE stations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    credential_hash BYTEA NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ
);
