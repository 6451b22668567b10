-- A count form may cite only the photo of its own TPS (issue #10; the results
-- rule PHOTO_OF_TPS in api/domains/results/rules.ts). A photo is bound to the TPS
-- it was first uploaded for (photos.first_tps; the same bytes for another TPS are
-- refused at upload), so the rule is a foreign key on (photo, tps): checked by the
-- form's own insert inside the shared commit, at no extra statement per form.
-- The single-column key count_forms_photo_uploaded is older and fires first, so a
-- photo that was never uploaded is still told apart from another TPS's photo.
ALTER TABLE photos ADD CONSTRAINT photos_sha256_tps UNIQUE (sha256, first_tps);
ALTER TABLE count_forms ADD CONSTRAINT count_forms_photo_of_tps
  FOREIGN KEY (photo, tps) REFERENCES photos (sha256, first_tps);
