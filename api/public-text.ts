/**
 * Free text that becomes public for ever: a report's description, a correction's
 * reason, a device label, an officer id. Such fields are marked in their JSON
 * Schema with `publicText(…)` (the `x-public-text` keyword), and the validation
 * layer (./schemas.ts) refuses, with a 422, any value holding a number shaped
 * like a NIK (Nomor Induk Kependudukan, the 16-digit national identity number),
 * because the log is append-only: once integrated, nothing can take it out
 * (issue #10; UU 27/2022 on personal data; SECURITY.md "Free text in the log").
 *
 * A NIK-shaped number is 16 digits in a row, or 16 digits with one space, dot or
 * dash between any two of them ("3171 0110 0100 0001", "3171.0110.0100.0001"),
 * not part of a longer run of digits. The rule catches mistakes, not a
 * determined leaker, who can spell digits out; what else free text can leak is
 * in SECURITY.md.
 */
import type { JsonSchema } from './schemas.ts';

/** The JSON Schema keyword that marks a string field as public free text. */
export const PUBLIC_TEXT = 'x-public-text';

// One separator at most between two digits: spaces (any Unicode white space),
// dots, hyphen-minus, the Unicode dashes and the minus sign.
const NIK_SHAPED = /(?<![0-9])[0-9](?:[\s.\-\u2010-\u2015\u2212]?[0-9]){15}(?![0-9])/u;

export function hasNikShapedNumber(text: string): boolean {
  return NIK_SHAPED.test(text);
}

/** A string field that is public free text: `schema` plus the marker. */
export function publicText(schema: JsonSchema = {}): JsonSchema {
  return { type: 'string', ...schema, [PUBLIC_TEXT]: true };
}
