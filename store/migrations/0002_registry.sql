-- The bureau's records that decisions read (SERVICES.md "Facts", registry objects). A record is
-- stored sealed (AES-GCM JSON) under the keyed hash of its key (ID number or plate), so neither
-- appears in plain text on disk and lookups stay exact.
CREATE TABLE registry_records (
    kind       TEXT NOT NULL,
    key_hash   {{bytes}} NOT NULL,
    data       {{bytes}} NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    PRIMARY KEY (kind, key_hash)
);
