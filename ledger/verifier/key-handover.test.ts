// Which log entries a verifier reads as a log-key announcement or hand-over
// evidence (./key-handover.ts): only Saksi's own shapes, matched on the parsed
// top-level object, never on bytes inside a string.
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../canonical.ts';
import { utf8 } from './encoding.ts';
import { logKeyEventOf } from './key-handover.ts';

const entry = (o: object) => utf8(canonicalize(o as never));
const envelope = (kind: string, subject: string, payload: object) =>
  entry({
    v: 1,
    kind,
    subject,
    seq: 1,
    prev: null,
    at: '2026-01-01T00:00:00Z',
    actor: { id: 'saksi', role: 'SYSTEM' },
    payload,
  });

describe('logKeyEventOf', () => {
  it('reads an announcement of the log key and a kept hand-over checkpoint', () => {
    expect(
      logKeyEventOf(
        7,
        envelope('system.key.activated', 'key:log', { label: 'log', verifierKey: 'k' }),
      ),
    ).toEqual({ type: 'announced', index: 7, verifierKey: 'k' });
    expect(
      logKeyEventOf(
        9,
        envelope('system.key.handed_over', 'key:log:handover', { label: 'log', checkpoint: 'n\n' }),
      ),
    ).toEqual({ type: 'handed_over', index: 9, checkpoint: 'n\n' });
  });

  it('ignores other keys, other subjects, other kinds, nested look-alikes and non-JSON', () => {
    const cases = [
      envelope('system.key.activated', 'key:token', { label: 'token', verifierKey: 'k' }),
      envelope('system.key.activated', 'key:log', { label: 'token', verifierKey: 'k' }),
      envelope('system.key.activated', 'key:other', { label: 'log', verifierKey: 'k' }),
      envelope('system.key.retired', 'key:log', { label: 'log', verifierKey: 'k' }),
      envelope('system.key.activated', 'key:log', { label: 'log', verifierKey: 42 }),
      envelope('tps.report.submitted', 'r', {
        description: '"kind":"system.key.activated","subject":"key:log"',
        nested: {
          kind: 'system.key.activated',
          subject: 'key:log',
          payload: { label: 'log', verifierKey: 'k' },
        },
      }),
      utf8('"kind":"system.key.activated" not json'),
      new Uint8Array([0xff, 0xfe]),
      new Uint8Array(0),
    ];
    for (const e of cases) expect(logKeyEventOf(1, e)).toBeNull();
  });
});
