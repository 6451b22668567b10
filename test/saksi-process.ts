/**
 * The real `saksi` command as a child process, for end-to-end tests
 * (CONVENTIONS.md §11): start `saksi serve` and wait until it listens, stop it
 * as an operator would (SIGTERM).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const SAKSI_BIN = resolve('bin/saksi.js');

export interface Served {
  proc: ChildProcess;
  /** The URL from the "listening on" line. */
  url: string;
  /** Everything the server printed on stdout until it was ready. */
  stdout: string;
}

/**
 * Starts `saksi serve ARGS` and resolves once it prints "listening on URL" and
 * every pattern of `alsoWaitFor`; fails if it exits first or takes over 60 s.
 */
export function startServe(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  alsoWaitFor: readonly RegExp[] = [],
): Promise<Served> {
  const proc = spawn(process.execPath, [SAKSI_BIN, 'serve', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${out} ${err}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url && alsoWaitFor.every((p) => p.test(out))) {
        clearTimeout(timer);
        done({ proc, url, stdout: out });
      }
    });
    proc.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out} ${err}`)));
  });
}

/** SIGTERM, then the exit code (at once if it has already exited). */
export async function stopProcess(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return proc.exitCode;
  return new Promise((r) => {
    proc.once('exit', (code) => r(code));
    proc.kill('SIGTERM');
  });
}
