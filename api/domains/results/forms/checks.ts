/**
 * Warnings on a count form: figures worth a look that the law does not make an
 * error (DOMAIN.md application 9). The arithmetic checks themselves — which
 * flag a form and keep it out of totals — are versioned and shared with the
 * observer's verifier: ledger/verifier/results/checks.ts.
 *
 * Pure functions over a schema-valid `CountForm`: no I/O, no clock.
 */
import type { CountForm, FailedCheck } from '../../../../ledger/verifier/results/index.ts';

/** Warnings: figures worth a look that the law does not make an error. */
export const WARNING_IDS = ['ballots-received-dpt-reserve'] as const;
export type WarningId = (typeof WARNING_IDS)[number];

/**
 * Parameters of the warnings. DOMAIN.md application 7 says ballots delivered =
 * registered voters + 2% reserve; how the 2% is rounded is not stated there
 * (marked *check*), so both are parameters.
 */
export type WarningParams = {
  /** Reserve on top of the DPT, in basis points (200 = 2%). */
  ballotReserveBasisPoints: number;
  /** How a fractional reserve is rounded: 294 DPT × 2% = 5.88 → 6 with 'up'. */
  ballotReserveRounding: 'up' | 'down';
};

export const DEFAULT_WARNING_PARAMS: Readonly<WarningParams> = Object.freeze({
  ballotReserveBasisPoints: 200,
  ballotReserveRounding: 'up',
});

/** Warning parameters that cannot be meant (configuration, not input: a programming error). */
export class WarningParamsError extends Error {
  readonly code = 'INVALID_WARNING_PARAMS';
  override readonly name = 'WarningParamsError';
}

/** Fails closed on a reserve that is not 0–100% in whole basis points, or an unknown rounding. */
export function assertWarningParams(params: Readonly<WarningParams>): void {
  const bp = params.ballotReserveBasisPoints;
  if (!Number.isSafeInteger(bp) || bp < 0 || bp > 10_000)
    throw new WarningParamsError(`ballotReserveBasisPoints must be an integer 0–10000, got ${bp}`);
  if (params.ballotReserveRounding !== 'up' && params.ballotReserveRounding !== 'down')
    throw new WarningParamsError(
      `ballotReserveRounding must be 'up' or 'down', got ${String(params.ballotReserveRounding)}`,
    );
}

/** The reserve for `dpt` voters, in exact integer arithmetic. */
export function ballotReserve(dpt: number, params: Readonly<WarningParams>): number {
  assertWarningParams(params);
  const scaled = dpt * params.ballotReserveBasisPoints;
  return params.ballotReserveRounding === 'up'
    ? Math.floor((scaled + 9_999) / 10_000)
    : Math.floor(scaled / 10_000);
}

/**
 * Warnings, kept apart from `checkForm`: a TPS that received more or fewer
 * ballots than DPT + reserve may have had them moved by logistics (DOMAIN.md
 * application 9), which is worth showing but does not make its count wrong.
 */
export function formWarnings(
  p: CountForm,
  params: Readonly<WarningParams> = DEFAULT_WARNING_PARAMS,
): FailedCheck[] {
  const dpt = p.voters.registered.dpt;
  const reserve = ballotReserve(dpt, params);
  const due = dpt + reserve;
  if (p.ballots.received === due) return [];
  const pct = formatBasisPoints(params.ballotReserveBasisPoints);
  return [
    {
      check: 'ballots-received-dpt-reserve',
      message: `ballots received is ${p.ballots.received} but DPT ${dpt} + ${pct}% reserve ${reserve} is ${due}`,
      expected: due,
      actual: p.ballots.received,
    },
  ];
}

/** 200 → "2", 250 → "2.5", 5 → "0.05". */
function formatBasisPoints(bp: number): string {
  const whole = Math.floor(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}
