-- Electronic passes issued for approved truck and hazmat cases. One pass per case (issuing is
-- idempotent). The plate is kept only as a keyed hash for counting; the pass's details, with
-- the plate and the signed token, are sealed in data.
CREATE TABLE passes (
    number        TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL UNIQUE REFERENCES cases (id),
    matter        TEXT NOT NULL,
    plate_hash    {{bytes}} NOT NULL,
    zone          TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    data          {{bytes}} NOT NULL,
    issued_at     {{timestamp}} NOT NULL,
    revoked_at    {{timestamp}},
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX passes_plate_zone ON passes (plate_hash, zone, valid_until);
CREATE INDEX passes_zone_day ON passes (matter, zone, issued_on);
CREATE INDEX passes_revoked ON passes (revoked_at);

-- Which mini-program driver owns a case: every driver route is scoped to it.
CREATE TABLE driver_cases (
    case_id    TEXT PRIMARY KEY REFERENCES cases (id),
    driver_id  TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX driver_cases_driver ON driver_cases (driver_id, created_at);

-- Idempotency keys of submissions: the first request with a key reserves it (status 0) and
-- records its response; a repeat with the same body gets that response again.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash {{bytes}} NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    body         {{bytes}},
    created_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
