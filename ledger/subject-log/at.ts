/**
 * The one spelling of an entry's `at`. RFC 3339 §5.6 lets one instant be written
 * many ways (an optional fraction of any length, `z` or `Z`, offsets); the entry
 * validator already narrows that to UTC with `Z` (../entry.ts), and the log
 * narrows it to one form: whole seconds, no fraction —
 *
 *   YYYY-MM-DDTHH:MM:SSZ        e.g. 2024-02-14T13:05:00Z
 *
 * Whole seconds because the order of entries is the log's index, not their clock:
 * a fraction adds nothing an auditor can rely on, and with it the same second had
 * two spellings (`…:00Z` from identity, `…:00.000Z` from the write path) in the
 * same log. Every append goes through ./append.ts, which refuses any other form.
 */

const CANONICAL_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** `date` (default: now) as the log writes it, truncated to the second. */
export function canonicalAt(date: Date = new Date()): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('canonicalAt needs a valid Date');
  // toISOString is `YYYY-MM-DDTHH:MM:SS.sssZ` for years 0–9999; drop `.sss`.
  const iso = date.toISOString();
  return `${iso.slice(0, 19)}Z`;
}

/**
 * Why `at` is not in the canonical form, or null. The calendar itself (month 13,
 * 30 February) is checked by validateEntry; this only fixes the spelling.
 */
export function canonicalAtIssue(at: unknown): string | null {
  if (typeof at === 'string' && CANONICAL_AT.test(at)) return null;
  return "must be the log's canonical RFC 3339 form YYYY-MM-DDTHH:MM:SSZ (UTC, whole seconds, no fraction)";
}
