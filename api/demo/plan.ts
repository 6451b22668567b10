/**
 * What the demo seeder submits, and where: the TPS of the demo province in code
 * order from the demo TPS on, and for each a fixed script chosen by its place in
 * that order, so that every run over the same registry tells the same story.
 *
 * The story follows the 2024 failures Saksi exists for (DOMAIN.md application 8):
 * at every third TPS the photo is first read by machine and the KPPS then
 * verifies the numbers (version 2, with a reason) — half of those readings
 * misread a digit, as Sirekap did; at one TPS in ten the KPPS itself submits a
 * form with a misread digit ("3" read as "8"), which the log keeps, flagged, and
 * the PPK of the kecamatan corrects with a new version, a reason, and for every
 * other correction the case it follows.
 */
import type { CountForm } from '../domains/results/forms/index.ts';
import type { DemoClient } from './client.ts';

/** The demo province (DKI Jakarta) and its demo TPS (api/domains/identity/demo.ts). */
export const DEMO_PROVINCE = '31';
export const DEMO_TPS = '3171011001001';

/** The public answer of GET /v1/areas/{code} (api/domains/registry/routes.ts). */
export interface AreaAnswer {
  code: string;
  level: string;
  name: string;
  children?: { code: string; name: string; dpt?: number }[];
  /** For a TPS: */
  dpt?: number;
  contests?: string[];
  dapil?: Record<string, { id: string; name: string; seats: number } | null>;
}

/**
 * The TPS under `root`, in code order starting at `start` and wrapping around to
 * the first, read lazily from the public area tree (only as deep as asked).
 */
export async function* tpsInOrder(
  client: DemoClient,
  root: string = DEMO_PROVINCE,
  start: string = DEMO_TPS,
): AsyncGenerator<string> {
  // A subtree with code c holds the codes that begin with c: some of them are at
  // or after `start` iff c ≥ start's prefix of c's length (and before it iff ≤).
  yield* walk(
    client,
    root,
    (c) => c >= start.slice(0, c.length),
    (t) => t >= start,
  );
  yield* walk(
    client,
    root,
    (c) => c <= start.slice(0, c.length),
    (t) => t < start,
  );
}

async function* walk(
  client: DemoClient,
  code: string,
  keepArea: (code: string) => boolean,
  keepTps: (code: string) => boolean,
): AsyncGenerator<string> {
  const { body: area } = await client.get<AreaAnswer>(`/v1/areas/${code}`);
  const children = (area.children ?? []).map((c) => c.code).sort();
  for (const child of children) {
    if (area.level === 'desa') {
      if (keepTps(child)) yield child;
    } else if (keepArea(child)) {
      yield* walk(client, child, keepArea, keepTps);
    }
  }
}

export interface TpsScript {
  /** A machine reading (version 1) before the KPPS verifies. */
  reading: boolean;
  /** The machine reading misreads a digit (the KPPS puts it right in version 2). */
  readingMisread: boolean;
  /** The contest whose KPPS-verified form misreads a digit, for the PPK to correct. */
  flaggedContest: string | null;
  /** The correction cites a case (Bawaslu register number). */
  caseRef: boolean;
}

/** The script of the TPS at place `ordinal` (0 = the demo TPS) holding `contests`. */
export function scriptFor(ordinal: number, contests: readonly string[]): TpsScript {
  const flagged = ordinal % 10 === 3;
  const round = Math.floor(ordinal / 10);
  return {
    reading: ordinal % 3 === 0,
    readingMisread: ordinal % 6 === 0,
    flaggedContest: flagged && contests.length > 0 ? contests[round % contests.length]! : null,
    caseRef: flagged && round % 2 === 0,
  };
}

/** Digits a tired eye or a photo reader takes for one another. */
const CONFUSED: Readonly<Record<string, string>> = {
  '0': '8',
  '1': '7',
  '2': '7',
  '3': '8',
  '4': '9',
  '5': '6',
  '6': '8',
  '7': '1',
  '8': '3',
  '9': '4',
};

export interface Misreading {
  form: CountForm;
  choice: string;
  right: number;
  read: number;
  /** The digit on the sheet and the digit read, e.g. ["3", "8"]. */
  digits: [string, string];
}

/**
 * The form with one vote count misread by one digit — a "3" read as "8" where a
 * count has a 3 (2024's most reported misreading), else the last digit of the
 * largest count taken for a look-alike. Nothing else changes, so the votes no
 * longer add up to the valid ballots and the form fails the arithmetic checks.
 */
export function misread(form: CountForm): Misreading {
  const entries = Object.entries(form.votes);
  const withThree = entries.find(([, n]) => String(n).includes('3'));
  const [choice, right] = withThree ?? entries.reduce((a, b) => (b[1] > a[1] ? b : a));
  const s = String(right);
  const at = withThree ? s.indexOf('3') : s.length - 1;
  const was = s[at]!;
  const now = CONFUSED[was]!;
  const read = Number(s.slice(0, at) + now + s.slice(at + 1));
  return {
    form: { ...form, votes: { ...form.votes, [choice]: read } },
    choice,
    right,
    read,
    digits: [was, now],
  };
}
