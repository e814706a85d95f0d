-- Registered kiosk stations. Only a hash of each credential is kept; the credential itself is
-- printed once when the station is added.
CREATE TABLE stations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    credential_hash {{bytes}} NOT NULL UNIQUE,
    created_at      {{timestamp}} NOT NULL,
    revoked_at      {{timestamp}}
);
