/** The photo-citation rule alone (issue #10): pure, no database. */
import { describe, expect, it } from 'vitest';
import { photoBelongsToTps } from './photo-rules.ts';

const form = { tps: '3171011001001', photo: 'a'.repeat(64) };

describe('photoBelongsToTps', () => {
  it('lets a form cite a photo uploaded for its own TPS, whoever uploaded it', () => {
    expect(photoBelongsToTps({ tps: form.tps }, form)).toBeNull();
  });

  it('refuses a photo of another TPS, naming both', () => {
    const r = photoBelongsToTps({ tps: '3171011001002' }, form);
    expect(r?.code).toBe('PHOTO_OF_OTHER_TPS');
    expect(r?.message).toContain('3171011001002');
    expect(r?.message).toContain(form.tps);
  });

  it('refuses a photo that was never uploaded', () => {
    expect(photoBelongsToTps(null, form)?.code).toBe('PHOTO_NOT_UPLOADED');
  });
});
