/**
 * Who writes what no person asked for: the platform itself (activations, recaps,
 * registry loads of generated data). One definition, so an auditor filtering the
 * log for system writes looks for exactly one shape.
 */
import type { EntryActor } from '../entry.ts';

/** The actor of every system write (role SYSTEM, id `saksi`). */
export const SYSTEM_ACTOR: EntryActor = Object.freeze({ id: 'saksi', role: 'SYSTEM' });

/**
 * A system actor under another name, for system writes that must be told apart
 * (the demo's seeding, test fixtures): same role, a distinct id.
 */
export function systemActor(id: string): EntryActor {
  return id === SYSTEM_ACTOR.id ? SYSTEM_ACTOR : Object.freeze({ id, role: 'SYSTEM' });
}
