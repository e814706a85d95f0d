-- Cases and their append-only event log. The case row is a projection of its events: every
-- transition inserts one case_events row and updates the case in the same transaction.
CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    matter      TEXT NOT NULL,
    channel     TEXT NOT NULL,
    state       TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    holder      TEXT,
    lease_until {{timestamp}},
    created_at  {{timestamp}} NOT NULL,
    updated_at  {{timestamp}} NOT NULL
);
CREATE INDEX cases_state ON cases (state, updated_at);

-- seq is global and only grows, so a console that reconnects asks for "everything after N".
CREATE TABLE case_events (
    seq        {{serial_key}},
    case_id    TEXT NOT NULL REFERENCES cases (id),
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    at         {{timestamp}} NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);
