// `saksi serve --demo` hands an ADMIN token to anyone who reaches it, so it
// refuses a non-loopback --host unless --demo-public says so (issue #10). The
// refusals happen before anything is opened: the data directory stays empty.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../args.ts';
import { isLoopbackHost, serveCommand } from './serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'saksi-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const io = { stdout: () => undefined, stderr: () => undefined };

describe('saksi serve --demo', () => {
  it('refuses to listen on a non-loopback address without --demo-public', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'saksi.example.org', '::ffff:10.0.0.1']) {
      const run = serveCommand(['--demo', '--host', host, '--data', dir, '--port', '0'], io);
      await expect(run, host).rejects.toThrow(UsageError);
      await expect(serveCommand(['--demo', '--host', host, '--data', dir], io)).rejects.toThrow(
        /ADMIN token to anyone.*--demo-public/,
      );
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes --demo-public only together with --demo', async () => {
    await expect(serveCommand(['--demo-public', '--data', dir], io)).rejects.toThrow(
      /--demo-public only means something with --demo/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback addresses from every other one', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      'localhost',
      'LOCALHOST',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      '::2',
      '1::1',
      '::ffff:10.0.0.1',
      'localhost.example.org',
      '127.0.0.1.nip.io',
      '',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
