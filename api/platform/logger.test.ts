// Logs never carry tokens, passwords, keys or NIKs (CONVENTIONS.md §8).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger redaction', () => {
  it('redacts secrets and personal data wherever the known keys appear', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ destination, level: 'info' });
    log.info({
      requestId: 'r-1',
      authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.secret',
      body: { password: 'hunter2hunter2', nik: '3171010101010001' },
      voter: { record: { nik: '3171010101010002' } },
      token: 'abc',
      privateKey: 'MC4CAQAwBQYDK2VwBCIEI…',
    });
    const out = lines.join('');
    for (const secret of [
      'eyJhbGciOiJFZERTQSJ9',
      'hunter2',
      '3171010101010001',
      '3171010101010002',
      'abc"',
      'MC4CAQ',
    ])
      expect(out).not.toContain(secret);
    expect(out).toContain('"requestId":"r-1"');
    expect(out).toContain('[redacted]');
  });
});
