/**
 * Who the `voter-check` scenario checks: the demo voters that `saksi demo seed
 * --voters N` (api/demo/voters.ts demoVoter) registers, by the same formula, so
 * that k6 (which cannot import the API's modules) and the Node driver send the
 * same self-checks. scenarios.test.ts checks the formula against demoVoter.
 *
 * A tenth of the checks ask for a NIK that is not registered (i ≥ N): people
 * mistype, and the "not found" answer costs the server what "found" costs
 * (api/domains/voters/self-check.ts), so it belongs in the load.
 */

/** The kecamatan of the demo voters (api/demo/voters.ts DEMO_VOTER_KECAMATAN). */
const KECAMATAN = '317101';

/** Demo voter `i`'s NIK and name, as demoVoter(i) gives them. */
export function demoVoterIdentity(i: number): { nik: string; name: string } {
  const day = (i % 28) + 1;
  const month = (Math.floor(i / 28) % 12) + 1;
  const year = 1950 + (Math.floor(i / 336) % 50);
  const female = i % 2 === 1;
  const dd = String(female ? day + 40 : day).padStart(2, '0');
  const mm = String(month).padStart(2, '0');
  const serial = String((Math.floor(i / 16_800) % 9999) + 1).padStart(4, '0');
  return {
    nik: `${KECAMATAN}${dd}${mm}${String(year % 100).padStart(2, '0')}${serial}`,
    name: `Pemilih Demo ${i + 1}`,
  };
}

/** Share of self-checks for a voter who is not registered. */
export const UNREGISTERED_SHARE = 0.1;

/**
 * The body of one self-check, from a uniform draw `u` in [0, 1) over `voters`
 * registered demo voters; `registered` says which answer to expect
 * (found: true, or found: false).
 */
export function selfCheckRequest(
  u: number,
  voters: number,
): { body: { nik: string; name: string }; registered: boolean } {
  if (u < UNREGISTERED_SHARE) {
    // Past the registered ones: the same formula, so a valid NIK nobody has.
    const i = voters + Math.floor((u / UNREGISTERED_SHARE) * 1000);
    return { body: demoVoterIdentity(i), registered: false };
  }
  const i = Math.floor(((u - UNREGISTERED_SHARE) / (1 - UNREGISTERED_SHARE)) * voters);
  return { body: demoVoterIdentity(Math.min(i, voters - 1)), registered: true };
}
