/**
 * What a demo seeding run did, for `saksi demo seed` and the start-up log
 * (./summary.ts prints it).
 */

export interface SeedProgress {
  /** TPS done, and the number asked for (Infinity: all). */
  tps: number;
  target: number;
  forms: number;
}

export interface ContestTotals {
  contest: string;
  accepted: number;
  flagged: number;
  valid: number;
  invalid: number;
  /** Per choice, most votes first, with the ballot's name where the seeder saw it. */
  votes: { id: string; name: string | undefined; votes: number }[];
  /** The log index of the national recap entry. */
  recapIndex: number;
}

export interface SeedCorrection {
  contest: string;
  tps: string;
  /** The flagged version and the correction that followed it. */
  flaggedSeq: number;
  seq: number;
  caseRef?: string;
}

export interface SeedReport {
  /** TPS this run wrote forms for, and TPS passed over because they were complete. */
  tps: number;
  skipped: number;
  /**
   * Contests at a TPS whose forms hold versions the demo did not plan (written
   * by someone else) and are not counted: left alone, not waited for.
   */
  leftAlone: { contest: string; tps: string }[];
  /** Count-form versions submitted: machine readings, verifications, corrections. */
  forms: number;
  readings: number;
  /** Machine readings that misread a digit (flagged, then verified right). */
  misreadReadings: number;
  verified: number;
  /** KPPS-verified forms that failed the arithmetic checks. */
  flagged: number;
  corrected: number;
  corrections: SeedCorrection[];
  photos: number;
  devices: number;
  requests: number;
  /** The signed checkpoint's tree size once everything was counted. */
  checkpointSize: number;
  /** National recap of each contest seeded, PPWP first. */
  national: ContestTotals[];
  /** Until the last write, and until the national recap counted it all. */
  submitMs: number;
  elapsedMs: number;
}

export function emptyReport(): SeedReport {
  return {
    tps: 0,
    skipped: 0,
    leftAlone: [],
    forms: 0,
    readings: 0,
    misreadReadings: 0,
    verified: 0,
    flagged: 0,
    corrected: 0,
    corrections: [],
    photos: 0,
    devices: 0,
    requests: 0,
    checkpointSize: 0,
    national: [],
    submitMs: 0,
    elapsedMs: 0,
  };
}
