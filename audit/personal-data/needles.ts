/**
 * What control 6 looks for, and how (docs/audit.md "Control 6: spellings").
 *
 * Text is cut into tokens — maximal runs of letters and digits, lower-cased —
 * and a needle is a sequence of tokens. So one needle covers every separator
 * and case a value may be written with: "Pemilih Demo 3", "PEMILIH_DEMO_3" and
 * "pemilih-demo-3" are the same needle, as are 1990-05-17, 1990/05/17; and
 * 17-05-1990, 17/05/1990, 17.05.1990. A needle only matches whole tokens:
 * "Demo 1" is not found inside "Demo 10", a NIK not inside a longer number.
 *
 * Per field:
 *  - NIK and other identity numbers: the number as one token;
 *  - name: its words, any case, any separator (names shorter than 4 letters
 *    are not searched: they match ordinary words);
 *  - birth date: Y-M-D and D-M-Y (any separator), M/D/Y, DDMMYYYY, YYYYMMDD,
 *    and "17 Mei 1990" (Indonesian month names, day without leading zero).
 *
 * Not searched alone: DDMMYY. Digits 7–12 of a NIK are the birth date as
 * DDMMYY (day + 40 for women, Dukcapil), so a NIK found is the finding; a bare
 * six-digit number is as likely a vote count, an amount or an index as a birth
 * date, and a false finding blocks a stage. Also not searched: values split
 * inside a token's characters ("3171 0155 …" with spaces is found only if
 * written whole) and percent- or base64-encoded values.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Person } from './source.ts';

export type Field = 'NIK' | 'identity number' | 'name' | 'birth date';

export interface Needle {
  /** The private record it belongs to (`voters <subject>`). */
  record: string;
  field: Field;
  /** How it is written, e.g. `DD-MM-YYYY`; never the value. */
  format: string;
  tokens: string[];
  /** A keyed fingerprint of the value (HMAC under a key of this run): groups hits, reveals nothing. */
  fingerprint: string;
}

const MONTHS = [
  'januari',
  'februari',
  'maret',
  'april',
  'mei',
  'juni',
  'juli',
  'agustus',
  'september',
  'oktober',
  'november',
  'desember',
];

const TOKEN = /[\p{L}\p{N}]+/gu;

export const tokensOf = (text: string): string[] =>
  Array.from(text.toLowerCase().matchAll(TOKEN), (m) => m[0]);

/**
 * The fingerprint key lives only for this run: the report can say "the same
 * value was found at A and B" without holding an unsalted hash of a NIK, which
 * is guessable (ARCHITECTURE.md "Personal data in a public log").
 */
const RUN_KEY = randomBytes(32);
const fingerprintOf = (value: string) =>
  createHmac('sha256', RUN_KEY).update(value).digest('hex').slice(0, 12);

export function needlesOf(p: Person): Needle[] {
  const out: Needle[] = [];
  const add = (field: Field, value: string, format: string, tokens: string[]) =>
    out.push({ record: p.record, field, format, tokens, fingerprint: fingerprintOf(value) });
  if (p.nik) add('NIK', p.nik, 'digits', tokensOf(p.nik));
  if (p.idNumber) add('identity number', p.idNumber, 'digits', tokensOf(p.idNumber));
  if (p.name) {
    const words = tokensOf(p.name);
    if (words.join('').length >= 4) add('name', p.name, 'any case, any separator', words);
  }
  if (p.birthDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(p.birthDate);
    if (m) {
      const [, y, mo, d] = m as unknown as [string, string, string, string];
      const date = (format: string, tokens: string[]) =>
        add('birth date', p.birthDate!, format, tokens);
      date('YYYY-MM-DD', [y, mo, d]);
      date('DD-MM-YYYY', [d, mo, y]);
      date('MM/DD/YYYY', [mo, d, y]);
      date('DDMMYYYY', [`${d}${mo}${y}`]);
      date('YYYYMMDD', [`${y}${mo}${d}`]);
      date('D MMMM YYYY', [String(Number(d)), MONTHS[Number(mo) - 1]!, y]);
    }
  }
  return out;
}

/** A hit: which needle, and where in the text (a character offset). */
export interface Hit {
  needle: Needle;
  offset: number;
}

/**
 * Finds every needle in a text in one pass over its tokens: each token is
 * looked up among the needles' first tokens, and only those candidates are
 * compared further. Linear in the text, whatever the number of needles.
 */
export class Matcher {
  readonly #byFirst = new Map<string, Needle[]>();
  readonly size: number;

  constructor(needles: readonly Needle[]) {
    for (const n of needles) {
      const first = n.tokens[0];
      if (first === undefined) continue;
      const list = this.#byFirst.get(first);
      if (list) list.push(n);
      else this.#byFirst.set(first, [n]);
    }
    this.size = needles.length;
  }

  find(text: string): Hit[] {
    if (this.#byFirst.size === 0) return [];
    const tokens: { t: string; at: number }[] = [];
    for (const m of text.toLowerCase().matchAll(TOKEN)) tokens.push({ t: m[0], at: m.index ?? 0 });
    const hits: Hit[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const candidates = this.#byFirst.get(tokens[i]!.t);
      if (!candidates) continue;
      for (const n of candidates) {
        let j = 1;
        while (j < n.tokens.length && tokens[i + j]?.t === n.tokens[j]) j++;
        if (j === n.tokens.length) hits.push({ needle: n, offset: tokens[i]!.at });
      }
    }
    return hits;
  }
}
