import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { capacityModel, STAGE_PEAKS } from '../../loadtest/driver/capacity.ts';
import { render, stale, VALUES_FILE } from './render.ts';
import { size } from './sizing.ts';
import { ValuesError, validateValues } from './values.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed manifests, checked field by field below
type Obj = Record<string, any>;

const valuesText = readFileSync(VALUES_FILE, 'utf8');
const rendered = render(valuesText);
const docs: { file: string; doc: Obj }[] = [...rendered].flatMap(([file, text]) =>
  parseAllDocuments(text).map((d) => {
    expect(d.errors, file).toEqual([]);
    return { file, doc: d.toJS({ maxAliasCount: 0 }) as Obj };
  }),
);
const ofKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const containers = ofKind('Deployment').flatMap((d) =>
  (d.spec.template.spec.containers as Obj[]).map((c) => ({ deployment: d.metadata.name, c })),
);

function withValues(edit: (v: Obj) => void): string {
  const v = parse(valuesText) as Obj;
  edit(v);
  return JSON.stringify(v);
}
function problems(edit: (v: Obj) => void): string[] {
  try {
    validateValues(JSON.parse(withValues(edit)));
  } catch (e) {
    expect(e).toBeInstanceOf(ValuesError);
    return (e as ValuesError).problems;
  }
  return [];
}

describe('infra/k8s rendered manifests', () => {
  it('the committed output is a fresh render of values.yaml', () => {
    expect(stale(rendered)).toEqual([]);
  });

  it('every document parses as YAML 1.1 too (Kubernetes reads on/off/yes as booleans)', () => {
    for (const [file, text] of rendered)
      for (const d of parseAllDocuments(text, { version: '1.1' })) {
        expect(d.errors, file).toEqual([]);
        const js = d.toJS() as Obj;
        // Every string the renderer meant stays a string under 1.1.
        const same = parseAllDocuments(text).map((x) => x.toJS());
        expect(same).toContainEqual(js);
      }
  });

  it('every document is a named Kubernetes object in the namespace', () => {
    expect(docs.length).toBeGreaterThan(10);
    for (const { file, doc } of docs) {
      expect(doc.apiVersion, file).toMatch(/^[a-z0-9.]*\/?v[0-9a-z]+$/);
      expect(doc.kind, file).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, file).toBe('saksi');
    }
  });

  it('holds the components of the deployment', () => {
    const names = docs.map((d) => `${d.doc.kind}/${d.doc.metadata.name}`);
    for (const n of [
      'Deployment/saksi-api',
      'Service/saksi-api',
      'HorizontalPodAutoscaler/saksi-api',
      'PodDisruptionBudget/saksi-api',
      'Deployment/saksi-recap',
      'Cluster/saksi-db',
      'Ingress/saksi-api',
      'Ingress/saksi-public',
      'NetworkPolicy/saksi-default-deny',
    ])
      expect(names).toContain(n);
  });

  it('every container has requests, limits, liveness and readiness probes', () => {
    expect(containers.length).toBeGreaterThanOrEqual(2);
    for (const { deployment, c } of containers) {
      for (const k of ['requests', 'limits'])
        for (const r of ['cpu', 'memory'])
          expect(c.resources?.[k]?.[r], `${deployment} ${k}.${r}`).toBeTruthy();
      expect(c.livenessProbe, deployment).toBeTruthy();
      expect(c.readinessProbe, deployment).toBeTruthy();
    }
    const cluster = ofKind('Cluster')[0]!;
    expect(cluster.spec.resources.limits.cpu).toBeTruthy();
    expect(cluster.spec.resources.requests.memory).toBeTruthy();
  });

  it('the API is probed on /healthz and /readyz', () => {
    const api = containers.find((x) => x.deployment === 'saksi-api')!.c;
    expect(api.livenessProbe.httpGet.path).toBe('/healthz');
    expect(api.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it('pods run as non-root on a read-only file system, with no added capabilities', () => {
    for (const d of ofKind('Deployment')) {
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of d.spec.template.spec.containers as Obj[]) {
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
      }
    }
  });

  it('images are pinned: a release tag and a digest, never latest', () => {
    const images = [
      ...containers.map((x) => x.c.image as string),
      ...ofKind('Cluster').map((c) => c.spec.imageName as string),
    ];
    for (const image of images) {
      expect(image).toMatch(/:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$/);
      expect(image).not.toMatch(/:latest\b/);
    }
    for (const { c } of containers) expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('no Secret, no key material, no password in any manifest', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const [file, text] of rendered) {
      expect(text, file).not.toMatch(/-----BEGIN/);
      expect(text, file).not.toMatch(/password|passwd/i);
      expect(text, file).not.toMatch(/postgres(ql)?:\/\/[^\s@]*:[^\s@]*@/);
      // Saksi keys are base64 (vkeys, sealed keys); nothing that long is here
      // but image digests (which are public).
      expect(text.replace(/sha256:[0-9a-f]{64}/g, ''), file).not.toMatch(
        /[A-Za-z0-9+/]{40,}={0,2}/,
      );
      expect(text, file).not.toMatch(/\bhvs\.|\bs\.[A-Za-z0-9]{20,}/); // Vault tokens
    }
    for (const { deployment, c } of containers)
      for (const e of c.env as Obj[])
        if (/DATABASE_URL|SECRET|PASSWORD|TOKEN$/.test(e.name))
          expect(e.value, `${deployment} ${e.name} must come by reference`).toBeUndefined();
  });

  it('DATABASE_URL comes from the CloudNativePG app Secret, Vault from the agent', () => {
    const api = containers.find((x) => x.deployment === 'saksi-api')!.c;
    const env = Object.fromEntries((api.env as Obj[]).map((e) => [e.name, e]));
    expect(env.DATABASE_URL.valueFrom.secretKeyRef).toEqual({ name: 'saksi-db-app', key: 'uri' });
    expect(env.VAULT_TOKEN_FILE.value).toBe('/vault/secrets/token');
    expect(env.SAKSI_VAULT_CREATE_KEYS.value).toBe('false');
    expect(env.SAKSI_NODE_ROLE.value).toBe('api');
    const pod = ofKind('Deployment').find((d) => d.metadata.name === 'saksi-api')!;
    expect(pod.spec.template.metadata.annotations['vault.hashicorp.com/role']).toBe('saksi-node');
  });

  it('sizes follow the capacity model: the same arithmetic as loadtest/driver/capacity.ts', () => {
    const v = validateValues(parse(valuesText));
    const s = size(v);
    // The values' stage peaks are the driver's.
    expect(v.capacity.peaks.map((p) => p.rates)).toEqual(
      STAGE_PEAKS.map((p) =>
        Object.fromEntries(
          Object.entries(p.rates).map(([op, r]) => [
            op === 'results-proof' ? 'resultsProof' : op,
            r,
          ]),
        ),
      ),
    );
    const driver = capacityModel(
      (['write', 'proof', 'tile', 'results-proof'] as const).map((operation) => {
        const ms = v.capacity.cpuMs[operation === 'results-proof' ? 'resultsProof' : operation];
        return {
          operation,
          requests: 1,
          seconds: 1,
          cpuPerRequest: {
            api: ms.api / 1000,
            recap: ms.recap / 1000,
            postgres: ms.postgres / 1000,
          },
        };
      }),
    );
    expect(s.stages.map((x) => x.cores)).toEqual(driver.map((x) => x.cores));
    expect(s.api.replicas).toBe(Math.max(...driver.map((x) => x.apiNodes)));
    const hpa = ofKind('HorizontalPodAutoscaler')[0]!;
    expect(hpa.spec.minReplicas).toBe(s.api.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(s.api.replicas);
    const api = containers.find((x) => x.deployment === 'saksi-api')!.c;
    expect(api.args).toEqual(['--workers', '4', '--host', '0.0.0.0', '--port', '8080']);
    expect(api.resources.limits.cpu).toBe('4');
  });

  it("the CPU figures are one PostgreSQL run's calibration: the results.json values.yaml names", () => {
    const v = validateValues(parse(valuesText));
    const run = JSON.parse(readFileSync(v.capacity.measuredIn, 'utf8')) as {
      calibration: {
        operation: string;
        requests: number;
        cpuPerRequest: { api: number; recap: number; postgres: number };
      }[];
    };
    expect(run.calibration.map((c) => c.operation)).toEqual([
      'write',
      'proof',
      'tile',
      'results-proof',
    ]);
    // PostgreSQL's backends were measured (a PGlite run has them inside the API process).
    expect(run.calibration[0]!.cpuPerRequest.postgres).toBeGreaterThan(0);
    for (const c of run.calibration) {
      const ms =
        v.capacity.cpuMs[
          c.operation === 'results-proof' ? 'resultsProof' : (c.operation as 'write')
        ];
      expect(c.requests).toBeGreaterThan(0);
      for (const g of ['api', 'recap', 'postgres'] as const)
        expect(ms[g], `${c.operation}.${g}`).toBeCloseTo(c.cpuPerRequest[g] * 1000, 2);
    }
  });

  it('the public reads are routed on their own host; health and metrics are not exposed', () => {
    const [main, pub] = ['saksi-api', 'saksi-public'].map(
      (n) => ofKind('Ingress').find((i) => i.metadata.name === n)!,
    );
    const paths = (i: Obj) =>
      (i.spec.rules as Obj[]).flatMap((r) => (r.http.paths as Obj[]).map((p) => p.path as string));
    expect(paths(pub!)).toContain('/log/');
    for (const p of [...paths(main!), ...paths(pub!)])
      expect(p).not.toMatch(/healthz|readyz|metrics/);
  });

  it('the database only accepts the API, the publisher, its replicas and the operator', () => {
    const np = ofKind('NetworkPolicy').find((n) => n.metadata.name === 'saksi-database')!;
    expect(np.spec.ingress).toHaveLength(3);
    const deny = ofKind('NetworkPolicy').find((n) => n.metadata.name === 'saksi-default-deny')!;
    expect(deny.spec.podSelector).toEqual({});
  });
});

describe('infra/k8s values validation', () => {
  it('accepts the committed values', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it.each([
    ['a moving image tag', (v: Obj) => (v.image.tag = 'latest'), /image.tag must name a release/],
    ['a bad digest', (v: Obj) => (v.image.digest = 'sha256:abc'), /image.digest must be sha256/],
    [
      'one API replica',
      (v: Obj) => (v.api.minReplicas = 1),
      /api.minReplicas must be an integer in 2\.\./,
    ],
    [
      'one database instance',
      (v: Obj) => (v.postgres.instances = 1),
      /postgres.instances must be at least 2/,
    ],
    [
      'a password in env',
      (v: Obj) => (v.api.env.SAKSI_DB_PASSWORD = 'x'),
      /api.env.SAKSI_DB_PASSWORD looks like a secret/,
    ],
    [
      'a non-Saksi env',
      (v: Obj) => (v.api.env.NODE_OPTIONS = 'x'),
      /api.env.NODE_OPTIONS must be a SAKSI_\* variable/,
    ],
    [
      'a role set by the renderer',
      (v: Obj) => (v.api.env.SAKSI_NODE_ROLE = 'recap'),
      /is set by the renderer/,
    ],
    [
      'an unquoted number in env',
      (v: Obj) => (v.api.env.SAKSI_BATCH_SIZE = 1024),
      /must be a string \(quote numbers\)/,
    ],
    [
      'an http Vault',
      (v: Obj) => (v.vault.addr = 'http://vault:8200'),
      /vault.addr must be an https:\/\/ URL/,
    ],
    [
      'an unknown operation',
      (v: Obj) => (v.capacity.peaks[0].rates.upload = 5),
      /capacity.peaks\[0\].rates.upload is not an operation/,
    ],
    ['no peaks', (v: Obj) => (v.capacity.peaks = []), /capacity.peaks must be a non-empty list/],
    [
      'a missing CPU figure',
      (v: Obj) => delete v.capacity.cpuMs.write.api,
      /capacity.cpuMs.write.api must be a number/,
    ],
    ['an unknown section', (v: Obj) => (v.helm = {}), /helm is not a known section/],
    [
      'a bad size',
      (v: Obj) => (v.postgres.storageSize = '500G'),
      /postgres.storageSize must be a size like 500Gi/,
    ],
    ['a bad origin', (v: Obj) => (v.origin = 'https://x/log'), /origin must be a log origin/],
  ])('refuses %s with a clear message', (_what, edit, message) => {
    const p = problems(edit);
    expect(p.length).toBeGreaterThan(0);
    expect(p.join('\n')).toMatch(message);
  });

  it('lists every problem at once', () => {
    const p = problems((v) => {
      v.image.tag = 'latest';
      v.api.coresPerPod = 0;
      delete v.vault;
    });
    expect(p.length).toBeGreaterThanOrEqual(3);
    expect(() => render(withValues((v) => (v.image.tag = 'latest')))).toThrow(
      /infra\/k8s values are invalid:\n {2}- image.tag/,
    );
  });

  it('refuses a values file that is not a mapping', () => {
    expect(() => render('- a\n- b\n')).toThrow(ValuesError);
  });
});
