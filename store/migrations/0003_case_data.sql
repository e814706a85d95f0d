-- A case's documents, request, facts snapshot and decision, sealed as one JSON value (most of
-- it is personal data); the rating stays in clear for statistics.
ALTER TABLE cases ADD COLUMN data {{bytes}};
ALTER TABLE cases ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;

-- Captured images, sealed, kept apart from the case so that retention can purge them while
-- decisions and the audit trail stay.
CREATE TABLE case_images (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    data       {{bytes}} NOT NULL,
    created_at {{timestamp}} NOT NULL,
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_images_created ON case_images (created_at);
