/**
 * Every control, in the order they run (later controls read what earlier ones
 * found). Adding a control is adding its file and one line here.
 */
import type { Control } from '../types.ts';
import { feasibility } from './feasibility.ts';
import { keysConfig } from './keys-config.ts';
import { logIntegrity } from './log-integrity.ts';
import { personalData } from './personal-data.ts';
import { policies } from './policies.ts';
import { reconciliation } from './reconciliation.ts';
import { results } from './results.ts';

export const CONTROLS: readonly Control[] = [
  logIntegrity,
  reconciliation,
  results,
  policies,
  keysConfig,
  personalData,
  feasibility,
];
