-- Photos of count forms (C.Hasil), content-addressed (ARCHITECTURE.md "Entry":
-- large evidence is stored outside the log and referenced by its SHA-256). A
-- photo is stored once, under the hash of its bytes, and never changes: the form
-- entries in the log cite the hash, so changing or removing the bytes would break
-- the evidence behind a published number (DOMAIN.md "What went wrong in 2024", 2).
--
-- Uploading is not a log entry; citing the hash in a signed form entry is
-- (api/domains/photos/README.md).
CREATE TABLE photos (
  -- The key is the hash of the bytes, checked here as well as in the API, so no
  -- code path can store bytes under a hash they do not have.
  sha256 bytea PRIMARY KEY CHECK (octet_length(sha256) = 32 AND sha256 = sha256(bytes)),
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size integer NOT NULL CHECK (size > 0 AND size = octet_length(bytes)),
  bytes bytea NOT NULL,
  -- Who uploaded the bytes first, and for which TPS the upload was authorised
  -- (policy `photo.upload`); later identical uploads store nothing.
  first_uploader text NOT NULL,
  first_tps text NOT NULL CHECK (first_tps ~ '^[0-9]{13}$'),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
-- JPEG, PNG and WebP are already compressed: store them out of line without
-- spending CPU on TOAST compression that gains nothing.
ALTER TABLE photos ALTER COLUMN bytes SET STORAGE EXTERNAL;
-- The per-TPS upload quota counts a TPS's photos.
CREATE INDEX photos_first_tps ON photos (first_tps);

-- Evidence is append-only, like the log itself.
CREATE TRIGGER photos_no_change BEFORE UPDATE OR DELETE ON photos
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER photos_no_truncate BEFORE TRUNCATE ON photos
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
