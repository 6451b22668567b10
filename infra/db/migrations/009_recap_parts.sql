-- Recap parts (issue #4): an area with more children than one log entry can list
-- with their figures (a kelurahan of hundreds of TPS) is recapped through parts,
-- `<area>/<n>`, each listing about √n of its children; the area lists the parts.
-- See api/domains/results/recap/parts.ts.
ALTER TABLE recaps DROP CONSTRAINT recaps_level_check;
ALTER TABLE recaps ADD CONSTRAINT recaps_level_check
  CHECK (level IN ('nasional', 'provinsi', 'kabkota', 'kecamatan', 'desa', 'part'));
