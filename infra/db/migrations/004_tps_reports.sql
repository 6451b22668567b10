-- Election-day reports from a TPS (DOMAIN.md application 7): opening, closing,
-- incidents and objections (form C2). Every version is a row; the current one is
-- the highest seq. Rows are written only by the ledgered write path, in the same
-- transaction as their log entry.
CREATE TABLE tps_reports (
  subject text NOT NULL,
  seq integer NOT NULL,
  tps text NOT NULL CHECK (tps ~ '^[0-9]{13}$'),
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  description text NOT NULL,
  officer_id text NOT NULL,
  entry_hash bytea NOT NULL,
  PRIMARY KEY (subject, seq)
);
CREATE INDEX tps_reports_tps ON tps_reports (tps);
