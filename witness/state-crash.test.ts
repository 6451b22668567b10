/**
 * A witness's state survives a kill at any moment (issue #16): a child process
 * rewrites the state file in a loop (write, fsync, rename, fsync the directory)
 * and is SIGKILLed mid-stream, several times. After each kill the state must
 * parse, be whole, and be no older than the last write the child reported done.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WitnessStore } from './state.ts';

const CHILD = fileURLToPath(new URL('../test/crash/witness-state-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'saksi-witness-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it has reported `writes` more writes, then SIGKILLs it. */
function runAndKill(writes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = -1;
    let seen = 0;
    let buf = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      buf += d;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        last = (JSON.parse(buf.slice(0, nl)) as { size: number }).size;
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        // Kill at a varying point: after `writes` reports, mid-way through the next.
        if (++seen === writes) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

describe('witness state under SIGKILL', () => {
  it('is whole and not older than the last completed write after each kill', async () => {
    let floor = 0;
    for (const writes of [1, 7, 23, 3, 41, 12]) {
      const reported = await runAndKill(writes);
      expect(reported).toBeGreaterThanOrEqual(floor);
      const store = WitnessStore.open(dir);
      const st = store.get('crash.test/log');
      store.close();
      expect(st, 'state present').toBeDefined();
      // Durable before reported (writes after the last report may have landed too).
      expect(st!.size).toBeGreaterThanOrEqual(reported);
      expect(st!.checkpoint).toBe(`crash.test/log\n${st!.size}\n${'x'.repeat(20_000)}\n`);
      expect(st!.cosignature).toBe(`— w ${st!.size}\n`);
      floor = st!.size;
    }
    // Reopening cleaned the temporary files a kill left.
    expect(readdirSync(join(dir, 'logs')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
