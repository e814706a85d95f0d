-- Counter staff. Passwords are kept only as argon2id hashes; failed_logins and locked_until
-- carry the lockout across replicas.
CREATE TABLE staff (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  {{timestamp}},
    created_at    {{timestamp}} NOT NULL,
    disabled_at   {{timestamp}}
);

-- Console sessions, by a hash of the token the browser holds in its cookie.
CREATE TABLE staff_sessions (
    id           TEXT PRIMARY KEY,
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    created_at   {{timestamp}} NOT NULL,
    last_seen_at {{timestamp}} NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Every staff action: who, what, on which case, when, and how it ended. Append-only.
CREATE TABLE audit_log (
    id      {{serial_key}},
    at      {{timestamp}} NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_case ON audit_log (case_id, id);

-- Overdue alerts for unclaimed escalations. The key makes each level of each case happen
-- once, whichever replica notices first.
CREATE TABLE queue_alerts (
    case_id TEXT NOT NULL REFERENCES cases (id),
    level   INTEGER NOT NULL,
    at      {{timestamp}} NOT NULL,
    PRIMARY KEY (case_id, level)
);
