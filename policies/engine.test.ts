import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DIR, loadPolicyEngine } from './engine.ts';
import { PolicyError, type PolicyErrorCode } from './errors.ts';
import { type ActionName, ANONYMOUS, type OfficerPrincipal } from './model.ts';
import { manifestOf } from './policy-set.ts';

const silent = pino({ level: 'silent' });
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A private copy of the policy set (schema and .cedar files only) to break on purpose. */
function copyPolicies(): string {
  const dir = mkdtempSync(join(tmpdir(), 'saksi-policies-'));
  temps.push(dir);
  for (const f of readdirSync(DEFAULT_POLICY_DIR)) {
    if (f.endsWith('.cedar') || f.endsWith('.cedarschema'))
      cpSync(join(DEFAULT_POLICY_DIR, f), join(dir, f));
  }
  return dir;
}

async function loadFails(dir: string, code: PolicyErrorCode, message?: RegExp) {
  const err = await loadPolicyEngine({ dir, logger: silent }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyError);
  expect((err as PolicyError).code).toBe(code);
  if (message) expect((err as PolicyError).message).toMatch(message);
}

const kpps: OfficerPrincipal = { id: 'kpps-1', role: 'KPPS', area: '3171011001001' };
const ownTps = { type: 'Area', code: '3171011001001' } as const;

describe('loading refuses a policy set it cannot fully check', () => {
  it('loads the real set and describes it', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const d = engine.describe();
    expect(d.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.hash).toBe(engine.policySetHash);
    expect(d.files.map((f) => f.name)).toContain('schema.cedarschema');
    for (const f of d.files) {
      const bytes = readFileSync(join(DEFAULT_POLICY_DIR, f.name));
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(d.hash).toBe(createHash('sha256').update(manifestOf(d.files)).digest('hex'));
    expect(d.policies).toContain('suspension.reads-only');
    expect(d.engine).toMatch(/^cedar \d+\.\d+\.\d+$/);
  });

  it('refuses a policy file that does not parse, naming the file and line', async () => {
    const dir = copyPolicies();
    writeFileSync(
      join(dir, 'broken.cedar'),
      '@id("x")\npermit (principal, action, resource)\nwhen { principal.role == };\n',
    );
    await loadFails(dir, 'POLICY_INVALID', /broken\.cedar:\d+/);
  });

  it('refuses a policy that violates the schema (strict validation)', async () => {
    const dir = copyPolicies();
    writeFileSync(
      join(dir, 'rank.cedar'),
      '@id("rank.invented")\npermit (principal is Saksi::Officer, action == Saksi::Action::"key.rotate", resource)\nwhen { principal.rank == "general" };\n',
    );
    await loadFails(dir, 'POLICY_INVALID', /rank\.cedar @id\("rank\.invented"\)/);
  });

  it('refuses a policy on an action the schema does not declare', async () => {
    const dir = copyPolicies();
    writeFileSync(
      join(dir, 'extra.cedar'),
      '@id("extra.vote")\npermit (principal, action == Saksi::Action::"results.vote", resource);\n',
    );
    await loadFails(dir, 'POLICY_INVALID');
  });

  it('refuses a policy that can never apply (a validator warning is an error here)', async () => {
    const dir = copyPolicies();
    writeFileSync(
      join(dir, 'never.cedar'),
      '@id("never.applies")\npermit (principal is Saksi::Public, action == Saksi::Action::"key.rotate", resource);\n',
    );
    await loadFails(dir, 'POLICY_INVALID');
  });

  it('refuses a policy without an @id, or with one already taken', async () => {
    const noId = copyPolicies();
    writeFileSync(
      join(noId, 'anon.cedar'),
      'permit (principal, action == Saksi::Action::"results.read", resource);\n',
    );
    await loadFails(noId, 'POLICY_INVALID', /@id/);
    const dup = copyPolicies();
    writeFileSync(
      join(dup, 'dup.cedar'),
      '@id("results.read.public")\npermit (principal, action == Saksi::Action::"results.read", resource);\n',
    );
    await loadFails(dup, 'POLICY_INVALID', /dup\.cedar and reads\.cedar/);
  });

  it('refuses a schema that does not parse, or whose actions differ from ACTIONS', async () => {
    const broken = copyPolicies();
    writeFileSync(
      join(broken, 'schema.cedarschema'),
      'namespace Saksi { entity Area in [Area] { level: };\n',
    );
    await loadFails(broken, 'SCHEMA_INVALID');
    const drift = copyPolicies();
    const schema = readFileSync(join(drift, 'schema.cedarschema'), 'utf8');
    writeFileSync(
      join(drift, 'schema.cedarschema'),
      schema.replace('"key.rotate"', '"key.rotate", "key.destroy"'),
    );
    await loadFails(drift, 'SCHEMA_INVALID', /key\.destroy/);
  });

  it('refuses a directory without a schema, or with a badly named policy file', async () => {
    const noSchema = copyPolicies();
    rmSync(join(noSchema, 'schema.cedarschema'));
    await loadFails(noSchema, 'POLICY_DIR_INVALID');
    const badName = copyPolicies();
    renameSync(join(badName, 'admin.cedar'), join(badName, 'Admin Rules.cedar'));
    await loadFails(badName, 'POLICY_DIR_INVALID');
    await loadFails(join(badName, 'missing'), 'POLICY_DIR_INVALID');
  });

  it('refuses a file that is not UTF-8', async () => {
    const dir = copyPolicies();
    writeFileSync(join(dir, 'latin1.cedar'), Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a]));
    await loadFails(dir, 'POLICY_DIR_INVALID', /UTF-8/);
  });
});

describe('policy-set hash', () => {
  it('is stable across loads and changes with any file', async () => {
    const a = await loadPolicyEngine({ logger: silent });
    const b = await loadPolicyEngine({ logger: silent });
    expect(b.policySetHash).toBe(a.policySetHash);

    const dir = copyPolicies();
    expect((await loadPolicyEngine({ dir, logger: silent })).policySetHash).toBe(a.policySetHash);

    // A comment is enough: the hash covers the bytes, not the meaning.
    writeFileSync(
      join(dir, 'admin.cedar'),
      `${readFileSync(join(dir, 'admin.cedar'), 'utf8')}// edited\n`,
    );
    const edited = await loadPolicyEngine({ dir, logger: silent });
    expect(edited.policySetHash).not.toBe(a.policySetHash);
    expect(edited.describe().files.find((f) => f.name === 'admin.cedar')!.sha256).not.toBe(
      a.describe().files.find((f) => f.name === 'admin.cedar')!.sha256,
    );

    // So is a rename: the names are part of the manifest.
    renameSync(join(dir, 'admin.cedar'), join(dir, 'zz-admin.cedar'));
    const renamed = await loadPolicyEngine({ dir, logger: silent });
    expect(renamed.policySetHash).not.toBe(edited.policySetHash);
  });

  it('is what coreutils computes from a checkout (the command in README.md)', async (ctx) => {
    let out: string;
    try {
      out = execFileSync(
        'sh',
        ['-c', 'sha256sum schema.cedarschema *.cedar | LC_ALL=C sort -k 2 | sha256sum'],
        { cwd: DEFAULT_POLICY_DIR, encoding: 'utf8' },
      );
    } catch {
      ctx.skip();
      return;
    }
    const engine = await loadPolicyEngine({ logger: silent });
    expect(out.split(' ')[0]).toBe(engine.policySetHash);
  });

  it('keeps two loaded policy sets apart in the same process', async () => {
    const dir = copyPolicies();
    writeFileSync(
      join(dir, 'admin.cedar'),
      readFileSync(join(dir, 'admin.cedar'), 'utf8').replace(
        'principal.role == "ADMIN"',
        '["ADMIN", "KPU_RI"].contains(principal.role)',
      ),
    );
    const real = await loadPolicyEngine({ logger: silent, cacheSize: 0 });
    const widened = await loadPolicyEngine({ dir, logger: silent, cacheSize: 0 });
    const kpuRi = { id: 'ri-1', role: 'KPU_RI', area: 'ID' } as const;
    const req = { principal: kpuRi, action: 'key.rotate', resource: { type: 'Log' } } as const;
    expect(widened.authorize(req).allowed).toBe(true);
    expect(real.authorize(req).allowed).toBe(false);
  });
});

describe('authorize', () => {
  it('returns the determining policy IDs: permits for an allow, forbids for a deny, none by default', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    expect(
      engine.authorize({ principal: kpps, action: 'results.submit', resource: ownTps }),
    ).toEqual({
      allowed: true,
      policies: ['results.submit.kpps-own-tps'],
      errors: [],
      cached: false,
    });
    const sibling = engine.authorize({
      principal: kpps,
      action: 'results.submit',
      resource: { type: 'Area', code: '3171011001002' },
    });
    expect(sibling).toMatchObject({ allowed: false, policies: [], errors: [] });
    const grant = engine.authorize({
      principal: { id: 'kab-1', role: 'KPU_KABKOTA', area: '3171' },
      action: 'officer.manage',
      resource: { type: 'Area', code: 'ID' },
      context: { targetRole: 'ADMIN' },
    });
    expect(grant.allowed).toBe(false);
    expect([...grant.policies].sort()).toEqual(['officer.manage.only-admin-grants-national-roles']);
  });

  it('refuses an unknown action with a typed error', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const call = () =>
      engine.authorize({
        principal: kpps,
        action: 'results.delete' as ActionName,
        resource: ownTps,
      });
    expect(call).toThrow(PolicyError);
    try {
      call();
    } catch (e) {
      expect((e as PolicyError).code).toBe('UNKNOWN_ACTION');
    }
  });

  it('denies a suspended officer every write but still lets them read results', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const suspended = { ...kpps, suspended: true };
    const write = engine.authorize({
      principal: suspended,
      action: 'results.submit',
      resource: ownTps,
    });
    expect(write).toMatchObject({ allowed: false, policies: ['suspension.reads-only'] });
    const admin = { id: 'adm-1', role: 'ADMIN', area: 'ID', suspended: true } as const;
    expect(
      engine.authorize({ principal: admin, action: 'key.rotate', resource: { type: 'Log' } })
        .allowed,
    ).toBe(false);
    expect(
      engine.authorize({ principal: suspended, action: 'results.read', resource: ownTps }).allowed,
    ).toBe(true);
  });

  it('lets the anonymous public read results and do nothing else', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    expect(
      engine.authorize({ principal: ANONYMOUS, action: 'results.read', resource: ownTps }),
    ).toMatchObject({
      allowed: true,
      policies: ['results.read.public'],
    });
    expect(
      engine.authorize({ principal: ANONYMOUS, action: 'results.submit', resource: ownTps })
        .allowed,
    ).toBe(false);
  });

  it('denies, with a reason and without caching, requests it cannot evaluate', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const bad = [
      { principal: kpps, action: 'results.read', resource: { type: 'Area', code: '31710110010' } },
      { principal: kpps, action: 'results.read', resource: { type: 'Area', code: '../ID' } },
      { principal: kpps, action: 'results.read', resource: { type: 'Tile' } },
      { principal: { ...kpps, role: 'SUPERUSER' }, action: 'results.read', resource: ownTps },
      { principal: { ...kpps, area: 'Jakarta' }, action: 'results.read', resource: ownTps },
      { principal: { ...kpps, id: '' }, action: 'results.read', resource: ownTps },
      { principal: { ...kpps, suspended: 'no' }, action: 'results.submit', resource: ownTps },
      { principal: null, action: 'results.read', resource: ownTps },
      // Context the action does not declare, of the wrong type, or missing: Cedar's
      // request validation refuses it.
      { principal: kpps, action: 'results.submit', resource: ownTps, context: { self: true } },
      { principal: kpps, action: 'device.enroll', resource: ownTps, context: { self: 'yes' } },
      { principal: kpps, action: 'device.enroll', resource: ownTps },
      {
        principal: kpps,
        action: 'device.enroll',
        resource: ownTps,
        context: { self: true, n: 1.5 },
      },
      // A log-wide action on an area, an area action on the log.
      { principal: { id: 'a', role: 'ADMIN', area: 'ID' }, action: 'key.rotate', resource: ownTps },
      { principal: kpps, action: 'results.submit', resource: { type: 'Log' } },
    ];
    for (const req of bad) {
      // biome-ignore lint/suspicious/noExplicitAny: deliberately ill-typed input
      const d = engine.authorize(req as any);
      expect(d.allowed, JSON.stringify(req)).toBe(false);
      expect(d.errors.length, JSON.stringify(req)).toBeGreaterThan(0);
    }
    expect(engine.cacheStats().size).toBe(0);
  });
});

describe('decision cache', () => {
  it('answers a repeat from the cache with the same decision', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const req = { principal: kpps, action: 'results.submit', resource: ownTps } as const;
    const first = engine.authorize(req);
    const second = engine.authorize(req);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect({ ...second, cached: false }).toEqual(first);
    // Property order in the context does not split the cache.
    const enroll = { principal: kpps, action: 'device.enroll', resource: ownTps } as const;
    engine.authorize({ ...enroll, context: { self: true } });
    expect(engine.authorize({ ...enroll, context: { self: true } }).cached).toBe(true);
    expect(engine.cacheStats()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('misses when the role, area, suspension, principal or context changed', async () => {
    const engine = await loadPolicyEngine({ logger: silent });
    const req = { principal: kpps, action: 'results.submit', resource: ownTps } as const;
    expect(engine.authorize(req)).toMatchObject({ allowed: true, cached: false });
    // Same officer id, new role: a stale allow must not be reused.
    const asParty = engine.authorize({ ...req, principal: { ...kpps, role: 'PARTY' } });
    expect(asParty).toMatchObject({ allowed: false, cached: false });
    const moved = engine.authorize({ ...req, principal: { ...kpps, area: '3171011001002' } });
    expect(moved).toMatchObject({ allowed: false, cached: false });
    const suspended = engine.authorize({ ...req, principal: { ...kpps, suspended: true } });
    expect(suspended).toMatchObject({ allowed: false, cached: false });
    const other = engine.authorize({ ...req, principal: { ...kpps, id: 'kpps-2' } });
    expect(other).toMatchObject({ allowed: true, cached: false });
    const enroll = { principal: kpps, action: 'device.enroll', resource: ownTps } as const;
    expect(engine.authorize({ ...enroll, context: { self: true } })).toMatchObject({
      allowed: true,
      cached: false,
    });
    expect(engine.authorize({ ...enroll, context: { self: false } })).toMatchObject({
      allowed: false,
      cached: false,
    });
    expect(engine.authorize(req)).toMatchObject({ allowed: true, cached: true });
  });

  it('evicts the least recently used decision and can be turned off', async () => {
    const engine = await loadPolicyEngine({ logger: silent, cacheSize: 2 });
    const at = (code: string) =>
      ({ principal: ANONYMOUS, action: 'results.read', resource: { type: 'Area', code } }) as const;
    engine.authorize(at('31'));
    engine.authorize(at('32'));
    engine.authorize(at('31')); // 31 is now the most recent
    engine.authorize(at('33')); // evicts 32
    expect(engine.authorize(at('31')).cached).toBe(true);
    expect(engine.authorize(at('32')).cached).toBe(false);
    expect(engine.cacheStats().size).toBe(2);

    const uncached = await loadPolicyEngine({ logger: silent, cacheSize: 0 });
    uncached.authorize(at('31'));
    expect(uncached.authorize(at('31')).cached).toBe(false);
  });
});

describe('decision log', () => {
  it('logs every decision, cache hits included, with its determining policies and the policy-set hash', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const engine = await loadPolicyEngine({ logger: pino(sink) });
    engine.authorize({ principal: kpps, action: 'results.submit', resource: ownTps });
    engine.authorize({ principal: kpps, action: 'results.submit', resource: ownTps });
    engine.authorize({ principal: kpps, action: 'key.rotate', resource: { type: 'Log' } });
    engine.authorize({
      principal: kpps,
      action: 'results.read',
      resource: { type: 'Area', code: 'nope' },
    });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      event: 'authz',
      msg: 'allow',
      principal: {
        type: 'Officer',
        id: 'kpps-1',
        role: 'KPPS',
        area: '3171011001001',
        suspended: false,
      },
      action: 'results.submit',
      resource: { type: 'Area', code: '3171011001001' },
      allowed: true,
      policies: ['results.submit.kpps-own-tps'],
      cached: false,
      policySetHash: engine.policySetHash,
    });
    expect(lines[1]).toMatchObject({ allowed: true, cached: true });
    expect(lines[2]).toMatchObject({
      msg: 'deny',
      allowed: false,
      policies: [],
      resource: { type: 'Log' },
    });
    expect(lines[3]).toMatchObject({ allowed: false, action: 'results.read', principal: null });
    expect((lines[3]!.errors as string[])[0]).toMatch(/not an area code/);
  });
});

describe('README example', () => {
  it('runs as written in policies/README.md', async () => {
    const logger = silent;
    const engine = await loadPolicyEngine({ logger }); // refuses to start on any defect
    expect(Object.keys(engine.describe()).sort()).toEqual(['engine', 'files', 'hash', 'policies']);

    const d = engine.authorize({
      principal: { id: 'kpps-1', role: 'KPPS', area: '3171011001001' },
      action: 'results.submit',
      resource: { type: 'Area', code: '3171011001001' },
    });
    expect(d).toEqual({
      allowed: true,
      policies: ['results.submit.kpps-own-tps'],
      errors: [],
      cached: false,
    });

    expect(
      engine.authorize({
        principal: ANONYMOUS,
        action: 'results.read',
        resource: { type: 'Area', code: '31' },
      }).allowed,
    ).toBe(true);
  });
});
