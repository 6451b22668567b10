import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoVoter } from '../../api/demo/voters.ts';
import {
  demoVoterIdentity,
  evaluate,
  k6Thresholds,
  picker,
  REQUEST_TYPES,
  type RunFigures,
  SCENARIOS,
  ScenarioError,
  scenario,
  seeded,
  selfCheckRequest,
  typesOf,
  UNREGISTERED_SHARE,
} from './index.ts';

describe('the scenario catalogue (issue #14)', () => {
  it('has smoke, election-night, observers, mixed and voter-check', () => {
    expect(SCENARIOS.map((s) => s.name).sort()).toEqual(
      ['election-night', 'mixed', 'observers', 'smoke', 'voter-check'].sort(),
    );
    const vc = scenario('voter-check');
    expect(vc.enabled).toBe(true);
    expect(vc.needs).toMatch(/SAKSI_RATE_SELF_CHECK/);
    expect(vc.mix['self-check']).toBeGreaterThan(0);
    expect(vc.thresholds.latency['self-check']).toBeDefined();
    expect(() => scenario('nope')).toThrow(ScenarioError);
    expect(() => scenario('nope')).toThrow(/known: smoke/);
  });

  it('voter-check asks for the demo voters `saksi demo seed --voters` registers, and a tenth who are not', () => {
    for (let i = 0; i < 40_000; i += 97) {
      const v = demoVoter(i);
      expect(demoVoterIdentity(i)).toEqual({ nik: v.nik, name: v.name });
    }
    const rnd = seeded(7);
    let unregistered = 0;
    const n = 10_000;
    for (let k = 0; k < n; k++) {
      const { body, registered } = selfCheckRequest(rnd(), 500);
      const i = Number(/Pemilih Demo (\d+)/.exec(body.name)![1]) - 1;
      expect(i < 500).toBe(registered);
      expect(body.nik).toMatch(/^317101[0-9]{10}$/);
      if (!registered) unregistered++;
    }
    expect(unregistered / n).toBeCloseTo(UNREGISTERED_SHARE, 1);
    expect(selfCheckRequest(0.999_999, 500).body).toEqual(demoVoterIdentity(499));
  });

  it('states for every scenario an error rate, a throughput, and p95/p99 for each type it sends', () => {
    for (const s of SCENARIOS) {
      expect(s.thresholds.errorRate).toBeGreaterThan(0);
      expect(s.thresholds.errorRate).toBeLessThan(0.05);
      expect(s.thresholds.minThroughput).toBeGreaterThan(0);
      expect(s.thresholds.lostWrites).toBe(0);
      expect(typesOf(s).length).toBeGreaterThan(0);
      for (const t of typesOf(s)) {
        const l = s.thresholds.latency[t];
        expect(l, `${s.name} ${t}`).toBeDefined();
        expect(l!.p95).toBeLessThanOrEqual(l!.p99);
      }
      for (const t of Object.keys(s.mix)) expect(REQUEST_TYPES).toContain(t);
      expect(s.load.durationS).toBeGreaterThan(0);
      expect(s.load.vus).toBeGreaterThan(0);
      // An open model that cannot offer its own minimum throughput would always fail.
      if (s.load.model === 'open') expect(s.load.rate).toBeGreaterThan(s.thresholds.minThroughput);
    }
  });

  it('keeps the smoke run a few seconds long, and the stage rehearsals at least five minutes', () => {
    expect(scenario('smoke').load.durationS).toBeLessThanOrEqual(10);
    for (const n of ['election-night', 'observers', 'mixed'])
      expect(scenario(n).load.durationS).toBeGreaterThanOrEqual(300);
    // Only the voter register's scenario sends self-checks.
    for (const s of SCENARIOS)
      if (s.name !== 'voter-check') expect(s.mix['self-check'] ?? 0).toBe(0);
  });

  it('imports no Node built-in, so k6 can load the folder', () => {
    const dir = new URL('./', import.meta.url);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const specifiers = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const s of specifiers) expect(s, `${f} imports ${s}`).toMatch(/^\.\/[\w-]+\.ts$/);
    }
  });
});

describe('picker', () => {
  it('draws request types in proportion to the mix', () => {
    const s = scenario('election-night');
    const pick = picker(s);
    const rnd = seeded(7);
    const n = 46_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const t = pick(rnd());
      counts[t] = (counts[t] ?? 0) + 1;
    }
    const total = Object.values(s.mix).reduce((a, b) => a + b, 0);
    for (const [t, w] of Object.entries(s.mix))
      expect(Math.abs(counts[t]! / n - w / total)).toBeLessThan(0.01);
    expect(pick(0)).toBe('form');
    expect(pick(0.999_999_999_999)).toBeDefined();
  });

  it('replays the same draws for the same seed', () => {
    const a = seeded(42);
    const b = seeded(42);
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });
});

describe('thresholds', () => {
  const s = scenario('election-night');
  const good: RunFigures = {
    byType: { form: { count: 1000, errors: 0, p95: 200, p99: 400 } },
    requests: 1000,
    errors: 0,
    throughput: 200,
    lostWrites: 0,
  };

  it('pass when every figure is within its limit', () => {
    const r = evaluate(s, good);
    expect(r.every((x) => x.passed)).toBe(true);
    expect(r.map((x) => x.name)).toContain('http_req_duration{type:form} p(95)<500');
    // Types the run did not send are not judged.
    expect(r.some((x) => x.name.includes('type:correction'))).toBe(false);
  });

  it('fail on a slow p99, errors, low throughput, a lost write or an empty run', () => {
    const failed = (f: RunFigures) =>
      evaluate(s, f)
        .filter((x) => !x.passed)
        .map((x) => x.name);
    expect(
      failed({ ...good, byType: { form: { count: 1, errors: 0, p95: 1, p99: 1_000 } } }),
    ).toEqual(['http_req_duration{type:form} p(99)<1000']);
    expect(failed({ ...good, errors: 2 })).toEqual(['http_req_failed rate<0.001']);
    expect(failed({ ...good, throughput: 10 })).toEqual(['http_reqs rate>=150']);
    expect(failed({ ...good, lostWrites: 1 })).toEqual(['lost_writes count<1']);
    expect(failed({ ...good, requests: 0, byType: {} })).toContain('http_req_failed rate<0.001');
  });

  it('read the same in k6 syntax', () => {
    const t = k6Thresholds(s);
    expect(t.http_req_failed).toEqual(['rate<0.001']);
    expect(t.http_reqs).toEqual(['rate>=150']);
    expect(t['http_req_duration{type:form}']).toEqual(['p(95)<500', 'p(99)<1000']);
    expect(t.lost_writes).toEqual(['count<1']);
  });
});
