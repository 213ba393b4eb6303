-- One schema for SQLite and PostgreSQL: only types and statements both
-- understand (TEXT, BIGINT, SMALLINT; times are epoch milliseconds).

-- Every revision of the shop's Candor config the service has been given or
-- has fetched, kept so that any stored receipt can be checked against the
-- texts it names.
CREATE TABLE site_configs (
    config_sha256 TEXT PRIMARY KEY,
    revision      BIGINT NOT NULL,
    body          TEXT NOT NULL,
    source        TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL
);
CREATE INDEX site_configs_revision ON site_configs (revision);

-- Receipts: append-only (the only DELETE is the retention purge). The key is
-- the SHA-256 of the canonical receipt JSON, so a replay is never stored twice.
CREATE TABLE receipts (
    receipt_sha256 TEXT PRIMARY KEY,
    consent_id     TEXT NOT NULL,
    received_at    BIGINT NOT NULL,
    received_day   BIGINT NOT NULL,
    issued_at      BIGINT NOT NULL,
    revision       BIGINT NOT NULL,
    language       TEXT NOT NULL,
    method         TEXT,
    gpc            SMALLINT NOT NULL CHECK (gpc IN (0, 1)),
    texts_sha256   TEXT NOT NULL,
    config_sha256  TEXT NOT NULL REFERENCES site_configs (config_sha256),
    origin         TEXT NOT NULL,
    -- HMAC-SHA-256 of the client's IP address under the service's key; never the address.
    client_hash    TEXT,
    body           TEXT NOT NULL
);
CREATE INDEX receipts_consent ON receipts (consent_id, issued_at);
CREATE INDEX receipts_received ON receipts (received_at);
CREATE INDEX receipts_day ON receipts (received_day, consent_id);

-- Each receipt's choice per purpose, for the dashboard's counts.
CREATE TABLE receipt_choices (
    receipt_sha256 TEXT NOT NULL REFERENCES receipts (receipt_sha256),
    purpose_id     TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('granted', 'refused', 'none', 'required')),
    PRIMARY KEY (receipt_sha256, purpose_id)
);
