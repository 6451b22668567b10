-- Counting and recapitulation (issue #4, DOMAIN.md application 8).

-- Each subject version records its entry kind, so a write path can hold a state
-- machine (a human verification follows a machine reading, not another
-- verification) with the lookup it already makes for `prev`. Older rows: NULL.
ALTER TABLE subject_versions ADD COLUMN kind text;

-- Every version of every count form (C.Hasil), as its log entry states it: the
-- machine reading, the KPPS's verified numbers, and each later correction are
-- separate rows and separate entries; nothing is overwritten. `status` and
-- `failed_checks` are the arithmetic checks' verdict on this version (a flagged
-- form is kept as evidence and left out of totals).
CREATE TABLE count_forms (
  subject text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  contest text NOT NULL CHECK (contest IN ('PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA')),
  tps text NOT NULL CHECK (tps ~ '^[0-9]{13}$'),
  stage text NOT NULL CHECK (stage IN ('read', 'verified', 'corrected')),
  status text NOT NULL CHECK (status IN ('accepted', 'flagged')),
  failed_checks jsonb NOT NULL,
  form jsonb NOT NULL,
  -- A form cites a photo that was uploaded first (api/domains/photos).
  photo bytea NOT NULL CONSTRAINT count_forms_photo_uploaded REFERENCES photos (sha256),
  officer_id text NOT NULL,
  reason text,
  entry_hash bytea NOT NULL CHECK (octet_length(entry_hash) = 32),
  pending_id bigint NOT NULL UNIQUE REFERENCES ledger_pending (id),
  PRIMARY KEY (subject, seq),
  CHECK (subject = 'chasil:' || contest || ':' || tps),
  CHECK ((status = 'flagged') = (jsonb_array_length(failed_checks) > 0))
);
CREATE INDEX count_forms_tps ON count_forms (tps, contest);

-- The version of each TPS form that the recapitulation counts now: the latest
-- human-verified or corrected version (machine readings are never counted), with
-- its log index. Written only by the recap publisher, in the transaction that
-- appends the recap entries built from it.
CREATE TABLE recap_tps (
  contest text NOT NULL,
  tps text NOT NULL,
  seq integer NOT NULL,
  status text NOT NULL CHECK (status IN ('accepted', 'flagged')),
  entry_index bigint NOT NULL,
  entry_hash bytea NOT NULL,
  valid integer NOT NULL,
  invalid integer NOT NULL,
  votes jsonb NOT NULL,
  PRIMARY KEY (contest, tps)
);

-- Every published recap version of an area (D.Hasil level), as its log entry
-- states it, and the current one per area.
CREATE TABLE recaps (
  contest text NOT NULL,
  area text NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  level text NOT NULL CHECK (level IN ('nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa')),
  -- The entry's payload: figures, TPS counts and the children it commits to.
  payload jsonb NOT NULL,
  entry_hash bytea NOT NULL CHECK (octet_length(entry_hash) = 32),
  pending_id bigint NOT NULL UNIQUE REFERENCES ledger_pending (id),
  PRIMARY KEY (contest, area, seq)
);

CREATE TABLE recap_current (
  contest text NOT NULL,
  area text NOT NULL,
  seq integer NOT NULL,
  PRIMARY KEY (contest, area),
  FOREIGN KEY (contest, area, seq) REFERENCES recaps (contest, area, seq)
);

-- How far into the log the recap publisher has read (one row).
CREATE TABLE recap_watermark (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  next_index bigint NOT NULL
);
INSERT INTO recap_watermark (next_index) VALUES (0);

-- Forms and published recaps are history: never changed, never removed.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['count_forms', 'recaps'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;
