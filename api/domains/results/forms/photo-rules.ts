/**
 * Which photo a count form may cite (issue #10). A photo is the evidence of one
 * TPS's sheet: it is bound to the TPS it was uploaded for (api/domains/photos,
 * policy `photo.upload` on that TPS). A form of another TPS citing it would
 * publish numbers next to a photo that is not theirs — the disagreement between
 * published photo and number that DOMAIN.md "What went wrong in 2024" (2) designs
 * against — and would let an officer of one TPS lean on another TPS's evidence.
 *
 * A pure rule on the photo's stored binding; the C.Hasil write path reads the
 * binding (photos' `photoBinding`) and calls it before anything is stored.
 */

export type PhotoRuleCode = 'PHOTO_NOT_UPLOADED' | 'PHOTO_OF_OTHER_TPS';

export interface PhotoRuleRefusal {
  code: PhotoRuleCode;
  message: string;
}

/**
 * Null if `form` may cite its photo, else why not: no photo is stored under that
 * hash, or the photo is bound to another TPS. `photo` is the binding stored for
 * `form.photo` (null when there is none).
 */
export function photoBelongsToTps(
  photo: { tps: string } | null,
  form: { tps: string; photo: string },
): PhotoRuleRefusal | null {
  if (photo === null)
    return {
      code: 'PHOTO_NOT_UPLOADED',
      message: `the form photo ${form.photo} must be uploaded (PUT /v1/photos/<sha256>?tps=${form.tps}) before a form cites it`,
    };
  if (photo.tps !== form.tps)
    return {
      code: 'PHOTO_OF_OTHER_TPS',
      message: `photo ${form.photo} was uploaded for TPS ${photo.tps}; a form of TPS ${form.tps} cannot cite it`,
    };
  return null;
}
