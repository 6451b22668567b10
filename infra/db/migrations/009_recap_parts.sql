-- Recap parts (issue #4): an area with more children than one log entry can list
-- with their figures (a kelurahan of hundreds of TPS) is recapped through parts,
-- `<area>/<n>`, each listing about √n of its children; the area lists the parts.
-- See api/domains/results/recap/parts.ts.
ALTER TABLE recaps DROP CONSTRAINT recaps_level_check;
ALTER TABLE recaps ADD CONSTRAINT recaps_level_check
  CHECK (level IN ('nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa', 'part'));

-- A recap row keeps the totals only (level, dapil, valid, invalid, votes, TPS
-- counts): the children it lists, with their figures, are in its log entry, which
-- is the record. Storing them twice made this insert a third of PostgreSQL's time
-- on election night (bench:results).
ALTER TABLE recaps RENAME COLUMN payload TO totals;
COMMENT ON COLUMN recaps.totals IS 'the entry payload without children and choices (those are in the log entry)';

-- Pending entries above ~2 KB (recaps list their children with figures) were
-- compressed with pglz on insert, in the recap publisher's transaction, while the
-- API's inserts competed for the same cores. Keep rows up to ~8 KB inline and
-- uncompressed, and compress larger ones with lz4 (as ledger_bundles, 005).
-- PGlite is built without lz4 and keeps pglz.
ALTER TABLE ledger_pending SET (toast_tuple_target = 8160);
DO $$
BEGIN
  ALTER TABLE ledger_pending ALTER COLUMN entry SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
  NULL;
END
$$;
