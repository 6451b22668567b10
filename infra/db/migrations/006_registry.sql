-- The election registry for counting (issue #4; DOMAIN.md applications 4 and 8):
-- areas down to the TPS, the five contests, electoral districts (dapil) with their
-- member areas, parties, candidates and presidential pairs.
--
-- Rows arrive in bulk (CSV import, the demo generator) and are not ledgered one by
-- one: each load appends one log entry per dataset, in the same transaction, that
-- commits to the SHA-256 of the rows it stored (api/domains/registry/datasets.ts).
-- So rows are insert-only, and the constraints below make malformed data
-- impossible rather than merely unlikely.

-- A printable name: no surrounding spaces, no control characters.
CREATE DOMAIN registry_name AS text
  CHECK (VALUE <> '' AND length(VALUE) <= 200 AND VALUE = btrim(VALUE) AND VALUE !~ '[[:cntrl:]]');

CREATE TABLE registry_contests (
  id text PRIMARY KEY CHECK (id IN ('PPWP', 'DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA')),
  name text NOT NULL
);
INSERT INTO registry_contests (id, name) VALUES
  ('PPWP', 'Presiden dan Wakil Presiden'),
  ('DPR', 'Dewan Perwakilan Rakyat'),
  ('DPD', 'Dewan Perwakilan Daerah'),
  ('DPRD_PROV', 'DPRD Provinsi'),
  ('DPRD_KABKOTA', 'DPRD Kabupaten/Kota');

-- Kemendagri codes: 2-digit province, then 2 (kab/kota), 2 (kecamatan) and 4
-- (desa/kelurahan) digits; no segment is all zeros. The code fixes the level and
-- the parent, so a row cannot sit at the wrong place in the tree.
CREATE TABLE registry_areas (
  code text PRIMARY KEY,
  level text NOT NULL,
  parent text REFERENCES registry_areas (code),
  name registry_name NOT NULL,
  CONSTRAINT registry_areas_place CHECK (
    (level = 'nasional' AND code = 'ID' AND parent IS NULL)
    OR (level = 'provinsi' AND code ~ '^[1-9][0-9]$' AND parent = 'ID')
    OR (level = 'kabkota' AND code ~ '^[0-9]{4}$' AND code !~ '00$' AND parent = left(code, 2))
    OR (level = 'kecamatan' AND code ~ '^[0-9]{6}$' AND code !~ '00$' AND parent = left(code, 4))
    OR (level = 'desa' AND code ~ '^[0-9]{10}$' AND code !~ '0000$' AND parent = left(code, 6))
  )
);
CREATE INDEX registry_areas_parent ON registry_areas (parent);
INSERT INTO registry_areas (code, level, parent, name) VALUES ('ID', 'nasional', NULL, 'Indonesia');

-- Polling stations: desa code + 3-digit number 001–999, at most 300 registered
-- voters (DPT) each (the 2024 limit).
CREATE TABLE registry_tps (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{13}$'),
  desa text NOT NULL REFERENCES registry_areas (code) CHECK (length(desa) = 10),
  number smallint NOT NULL CHECK (number BETWEEN 1 AND 999),
  dpt smallint NOT NULL CHECK (dpt BETWEEN 0 AND 300),
  CONSTRAINT registry_tps_code CHECK (code = desa || lpad(number::text, 3, '0'))
);
CREATE INDEX registry_tps_desa ON registry_tps (desa);

-- Electoral districts. `region` is the area every member lies in: the province
-- (DPR, DPRD_PROV, DPD) or the kab/kota (DPRD_KABKOTA). Seats per dapil: UU 7/2017
-- Art. 187 (DPR 3–10), 189 and 192 (DPRD 3–12), 196 (DPD: 4, the province).
-- PPWP has no dapil: the nation votes as one.
CREATE TABLE registry_dapil (
  id text PRIMARY KEY CHECK (id ~ '^[A-Z0-9][A-Z0-9_.-]{0,39}$'),
  contest text NOT NULL REFERENCES registry_contests (id),
  name registry_name NOT NULL,
  seats smallint NOT NULL,
  region text NOT NULL REFERENCES registry_areas (code),
  province text NOT NULL CHECK (province = left(region, 2)),
  CONSTRAINT registry_dapil_contest CHECK (CASE contest
    WHEN 'DPR' THEN seats BETWEEN 3 AND 10 AND length(region) = 2
    WHEN 'DPRD_PROV' THEN seats BETWEEN 3 AND 12 AND length(region) = 2
    -- DKI Jakarta (31) has no DPRD Kabupaten/Kota (UU 29/2007 Art. 19).
    WHEN 'DPRD_KABKOTA' THEN seats BETWEEN 3 AND 12 AND length(region) = 4 AND province <> '31'
    WHEN 'DPD' THEN seats = 4 AND length(region) = 2
    ELSE false END),
  UNIQUE (contest, name),
  UNIQUE (id, contest, region),
  UNIQUE (id, contest, province)
);
CREATE UNIQUE INDEX registry_dapil_dpd ON registry_dapil (region) WHERE contest = 'DPD';

-- Member areas: an area belongs to at most one dapil per contest, lies inside
-- the dapil's region, and has a level the contest allows.
CREATE TABLE registry_dapil_areas (
  dapil text NOT NULL,
  contest text NOT NULL,
  region text NOT NULL,
  area text NOT NULL REFERENCES registry_areas (code),
  PRIMARY KEY (contest, area),
  FOREIGN KEY (dapil, contest, region) REFERENCES registry_dapil (id, contest, region),
  CHECK (left(area, length(region)) = region),
  CONSTRAINT registry_dapil_areas_level CHECK (CASE contest
    WHEN 'DPR' THEN length(area) IN (2, 4)
    WHEN 'DPRD_PROV' THEN length(area) IN (2, 4, 6)
    WHEN 'DPRD_KABKOTA' THEN length(area) = 6
    WHEN 'DPD' THEN area = region
    ELSE false END)
);
CREATE INDEX registry_dapil_areas_dapil ON registry_dapil_areas (dapil);

-- Parties by ballot number. scope 'ID': a national party; '11': an Aceh local
-- party (UU 11/2006 Art. 75), which contests only the DPRA and DPRK there.
CREATE TABLE registry_parties (
  number smallint PRIMARY KEY CHECK (number BETWEEN 1 AND 99),
  name registry_name NOT NULL UNIQUE,
  abbreviation registry_name NOT NULL UNIQUE CHECK (length(abbreviation) <= 20),
  scope text NOT NULL CHECK (scope IN ('ID', '11')),
  UNIQUE (number, scope)
);

-- Candidates: DPR/DPRD on a party list (ballot number within the list), DPD as
-- individuals (party NULL, ballot number within the province). `province` and
-- `party_scope` repeat the dapil's and party's so that foreign keys can enforce
-- that a local party's candidates stand only for DPRD seats in Aceh.
CREATE TABLE registry_candidates (
  contest text NOT NULL CHECK (contest IN ('DPR', 'DPD', 'DPRD_PROV', 'DPRD_KABKOTA')),
  dapil text NOT NULL,
  province text NOT NULL,
  party smallint,
  party_scope text,
  number smallint NOT NULL CHECK (number BETWEEN 1 AND 999),
  name registry_name NOT NULL,
  sex text NOT NULL CHECK (sex IN ('L', 'P')),
  FOREIGN KEY (dapil, contest, province) REFERENCES registry_dapil (id, contest, province),
  FOREIGN KEY (party, party_scope) REFERENCES registry_parties (number, scope),
  CHECK ((contest = 'DPD') = (party IS NULL)),
  CHECK ((party IS NULL) = (party_scope IS NULL)),
  CHECK (party_scope IS NULL OR party_scope = 'ID'
    OR (party_scope = province AND contest IN ('DPRD_PROV', 'DPRD_KABKOTA'))),
  UNIQUE NULLS NOT DISTINCT (dapil, party, number)
);

CREATE TABLE registry_pairs (
  number smallint PRIMARY KEY CHECK (number BETWEEN 1 AND 99),
  president registry_name NOT NULL,
  vice_president registry_name NOT NULL
);

-- Insert-only, like the log: a row changed after its load would no longer match
-- the hash the log holds for it.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['registry_contests', 'registry_areas', 'registry_tps', 'registry_dapil',
      'registry_dapil_areas', 'registry_parties', 'registry_candidates', 'registry_pairs'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$$;
