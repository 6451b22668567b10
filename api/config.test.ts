// The one configuration object (CONVENTIONS.md §8): every variable's default,
// every bad value's error, and that no other product file reads the environment.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultError } from '../keys/index.ts';
import { ConfigError, loadConfig } from './config.ts';

const ROOT = resolve(import.meta.dirname, '..');
const load = (env: Record<string, string>) => loadConfig({}, env);

describe('loadConfig', () => {
  it('gives every setting its documented default on an empty environment', () => {
    const c = load({});
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      origin: 'saksi.localhost/log',
      kekFile: undefined,
      batchSize: 4096,
      batchIntervalMs: 100,
      demo: false,
      demoSeed: 'default',
      logLevel: 'info',
      nodeRole: undefined,
      write: { maxBatch: 256, concurrency: 1 },
      rateLimits: {
        perPrincipal: { rate: 100, burst: 200 },
        loginPerIp: { rate: 5, burst: 20 },
        perIp: { rate: 20_000, burst: 40_000 },
      },
      vault: undefined,
    });
    expect(c.dataDir).toBe(resolve('.saksi'));
    expect(c.auth.token.ttlSeconds).toBe(900);
  });

  it('reads every variable', () => {
    const c = load({
      PORT: '9000',
      SAKSI_HOST: '0.0.0.0',
      SAKSI_DATA: '/tmp/saksi-x',
      DATABASE_URL: 'postgres://saksi@db:5432/saksi',
      SAKSI_LOG_ORIGIN: 'kpu.go.id/saksi/log',
      SAKSI_KEK_FILE: '/run/secrets/kek',
      SAKSI_BATCH_SIZE: '1000',
      SAKSI_BATCH_INTERVAL_MS: '50',
      SAKSI_DEMO_SEED: 'all',
      SAKSI_LOG_LEVEL: 'warn',
      SAKSI_NODE_ROLE: 'recap',
      SAKSI_WRITE_BATCH: '512',
      SAKSI_WRITE_CONCURRENCY: '2',
      SAKSI_RATE_PRINCIPAL: '0.5',
      SAKSI_BURST_PRINCIPAL: '3',
      SAKSI_RATE_LOGIN: '1',
      SAKSI_BURST_LOGIN: '2',
      SAKSI_RATE_IP: '10',
      SAKSI_BURST_IP: '20',
      VAULT_ADDR: 'http://127.0.0.1:8200',
      VAULT_TOKEN: 'dev-root',
      SAKSI_TOKEN_TTL_SECONDS: '600',
    });
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/saksi-x',
      databaseUrl: 'postgres://saksi@db:5432/saksi',
      origin: 'kpu.go.id/saksi/log',
      kekFile: '/run/secrets/kek',
      batchSize: 1000,
      batchIntervalMs: 50,
      demoSeed: Number.POSITIVE_INFINITY,
      logLevel: 'warn',
      nodeRole: 'recap',
      write: { maxBatch: 512, concurrency: 2 },
      rateLimits: {
        perPrincipal: { rate: 0.5, burst: 3 },
        loginPerIp: { rate: 1, burst: 2 },
        perIp: { rate: 10, burst: 20 },
      },
      vault: { addr: 'http://127.0.0.1:8200', token: 'dev-root' },
    });
    expect(c.auth.token.ttlSeconds).toBe(600);
  });

  it('flags win over the environment', () => {
    const c = loadConfig(
      { port: 1234, origin: 'flag.test/log', demoSeed: 3, logLevel: 'silent' },
      { PORT: '9000', SAKSI_LOG_ORIGIN: 'env.test/log', SAKSI_DEMO_SEED: '7' },
    );
    expect(c).toMatchObject({
      port: 1234,
      origin: 'flag.test/log',
      demoSeed: 3,
      logLevel: 'silent',
    });
  });

  it('SAKSI_DEMO_SEED is the default subset unless all, a number, or 0 for none', () => {
    expect(load({ SAKSI_DEMO_SEED: 'default' }).demoSeed).toBe('default');
    expect(load({ SAKSI_DEMO_SEED: '40' }).demoSeed).toBe(40);
    expect(load({ SAKSI_DEMO_SEED: '0' }).demoSeed).toBe(0);
  });

  it.each([
    ['PORT', '65536', /port must be an integer in 0\.\.65535/],
    ['PORT', '80x', /port must be an integer/],
    ['PORT', '1e3', /port must be an integer/],
    ['SAKSI_BATCH_SIZE', '0', /batch size must be an integer in 1\.\.65536/],
    ['SAKSI_BATCH_INTERVAL_MS', '251', /batch interval must be an integer in 1\.\.250/],
    ['SAKSI_LOG_ORIGIN', 'Bad Origin', /not a schemaless URL/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL is not a URL/],
    ['DATABASE_URL', 'mysql://db/saksi', /DATABASE_URL must be a postgres:\/\/ URL/],
    ['SAKSI_DEMO_SEED', '-1', /SAKSI_DEMO_SEED must be "default", "all" or a number/],
    ['SAKSI_DEMO_SEED', 'lots', /SAKSI_DEMO_SEED must be/],
    ['SAKSI_LOG_LEVEL', 'verbose', /SAKSI_LOG_LEVEL must be one of fatal, error, warn, info/],
    ['SAKSI_NODE_ROLE', 'worker', /SAKSI_NODE_ROLE must be one of api, recap/],
    ['SAKSI_WRITE_BATCH', '0', /SAKSI_WRITE_BATCH must be an integer in 1\.\.4096/],
    ['SAKSI_WRITE_CONCURRENCY', 'two', /SAKSI_WRITE_CONCURRENCY must be an integer in 1\.\.64/],
    ['SAKSI_RATE_PRINCIPAL', '0', /SAKSI_RATE_PRINCIPAL must be a number in \(0, /],
    ['SAKSI_BURST_PRINCIPAL', '-5', /SAKSI_BURST_PRINCIPAL must be a number/],
    ['SAKSI_RATE_LOGIN', 'NaN', /SAKSI_RATE_LOGIN must be a number/],
    ['SAKSI_BURST_LOGIN', 'Infinity', /SAKSI_BURST_LOGIN must be a number/],
    ['SAKSI_RATE_IP', '1e9', /SAKSI_RATE_IP must be a number/],
    ['SAKSI_BURST_IP', '99999999', /SAKSI_BURST_IP must be a number in \(0, 10000000\]/],
    ['SAKSI_TOKEN_TTL_SECONDS', '5', /SAKSI_TOKEN_TTL_SECONDS must be an integer in 60\.\.86400/],
  ])('%s=%s is refused with its name', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(message);
  });

  it('a Vault configuration without credentials is refused (keys/vault-config.ts)', () => {
    expect(() => load({ VAULT_ADDR: 'http://127.0.0.1:8200' })).toThrow(VaultError);
    expect(() => load({ VAULT_ADDR: 'http://127.0.0.1:8200' })).toThrow(/no credentials/);
  });
});

/** Product sources: not tests, benchmarks or test helpers. */
function productFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testing') out.push(...productFiles(path));
    } else if (
      name.endsWith('.ts') &&
      !/\.(test|bench|property\.test)\.ts$/.test(name) &&
      !/^(testing|testbed|fixtures|.*\.fixture)\.ts$/.test(name)
    )
      out.push(path);
  }
  return out;
}

describe('the environment is read in one place', () => {
  it('no product file but api/config.ts reads process.env (passing env to children is fine)', () => {
    const offenders: string[] = [];
    for (const area of ['api', 'ledger', 'cli', 'keys', 'policies'])
      for (const file of productFiles(join(ROOT, area))) {
        const code = readFileSync(file, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        const rel = relative(ROOT, file);
        if (rel !== 'api/config.ts' && /process\s*\.\s*env\b|process\s*\[\s*['"]env/.test(code))
          offenders.push(rel);
      }
    expect(offenders).toEqual([]);
  });
});
