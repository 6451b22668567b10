/**
 * The deployment's values file (infra/k8s/values.yaml): its shape, and the one
 * validation that turns the parsed YAML into typed values or a ValuesError that
 * lists every problem with its path ("api.coresPerPod must be an integer in
 * 1..64"). Nothing here reads files or imports the product: the renderer runs
 * wherever Node and the `yaml` package do.
 */

export const OPERATIONS = ['write', 'proof', 'tile', 'resultsProof'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const PROCESS_GROUPS = ['api', 'recap', 'postgres'] as const;
export type ProcessGroup = (typeof PROCESS_GROUPS)[number];

export interface Values {
  namespace: string;
  image: { repository: string; tag: string; digest: string | undefined; pullPolicy: string };
  origin: string;
  ingress: {
    className: string;
    host: string;
    publicHost: string;
    tlsSecretName: string;
    controllerNamespace: string;
  };
  capacity: {
    targetUtilisation: number;
    /** The results.json (repository path) whose calibration `cpuMs` copies; a test keeps them equal. */
    measuredIn: string;
    cpuMs: Record<Operation, Record<ProcessGroup, number>>;
    peaks: { stage: string; rates: Partial<Record<Operation, number>> }[];
  };
  api: {
    coresPerPod: number;
    memoryPerCoreMi: number;
    minReplicas: number;
    maxReplicasFactor: number;
    hpaCpuTarget: number;
    pdbMinAvailablePercent: number;
    env: Record<string, string>;
  };
  recap: { replicas: number; minCpuMilli: number; memoryMi: number };
  postgres: {
    clusterName: string;
    instances: number;
    storageSize: string;
    walStorageSize: string;
    storageClass: string;
    minCpu: number;
    memoryPerCoreGi: number;
    postgresVersion: string;
    appSecretKey: string;
    operatorNamespace: string;
  };
  vault: { addr: string; role: string; namespace: string; transitMount: string; keyPrefix: string };
}

/** The values file is wrong; `problems` names each field and the rule it broke. */
export class ValuesError extends Error {
  readonly code = 'INVALID_VALUES' as const;
  constructor(readonly problems: string[]) {
    super(`infra/k8s values are invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ValuesError';
  }
}

// DNS-1123 label (Kubernetes object and namespace names).
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const QUANTITY = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
// The same rule as api/config.ts ORIGIN_RE: the log's origin line (C2SP tlog-checkpoint).
const ORIGIN = /^[a-z0-9.-]+(\/[A-Za-z0-9._~-]+)*$/;
// Environment given to the API must not carry a secret: these come by reference only.
const SECRET_ENV = /(PASSWORD|SECRET|TOKEN$|_KEY$|DATABASE_URL|VAULT_TOKEN)/;

type Obj = Record<string, unknown>;

/** Checks the parsed values file; returns typed values or throws ValuesError with every problem. */
export function validateValues(raw: unknown): Values {
  const problems: string[] = [];
  const bad = (path: string, why: string) => {
    problems.push(`${path} ${why}`);
  };
  const obj = (v: unknown, path: string): Obj => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
    bad(path, 'must be a mapping');
    return {};
  };
  const str = (o: Obj, key: string, path: string, re?: RegExp, what?: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v === '') {
      bad(`${path}.${key}`, 'must be a non-empty string');
      return '';
    }
    if (re && !re.test(v)) bad(`${path}.${key}`, `must be ${what} (got ${JSON.stringify(v)})`);
    return v;
  };
  const num = (
    o: Obj,
    key: string,
    path: string,
    min: number,
    max: number,
    integer = true,
  ): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      bad(`${path}.${key}`, `must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
      return min;
    }
    if (v < min || v > max)
      bad(`${path}.${key}`, `must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
    return v;
  };

  const root = obj(raw, 'values');
  const known = [
    'namespace',
    'image',
    'origin',
    'ingress',
    'capacity',
    'api',
    'recap',
    'postgres',
    'vault',
  ];
  for (const k of Object.keys(root))
    if (!known.includes(k)) bad(k, `is not a known section (known: ${known.join(', ')})`);

  const namespace = str(root, 'namespace', 'values', NAME, 'a DNS-1123 label');

  const img = obj(root.image, 'image');
  const tag = str(img, 'tag', 'image');
  // Pinned images: a moving tag would let a restart run different code than its neighbours.
  if (tag === 'latest' || tag === 'main' || tag === 'stable')
    bad('image.tag', `must name a release, not the moving tag ${JSON.stringify(tag)}`);
  const digest = img.digest === undefined ? undefined : String(img.digest);
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest))
    bad('image.digest', 'must be sha256: followed by 64 hex digits');
  const pullPolicy = img.pullPolicy === undefined ? 'IfNotPresent' : String(img.pullPolicy);
  if (!['IfNotPresent', 'Always'].includes(pullPolicy))
    bad('image.pullPolicy', 'must be IfNotPresent or Always');
  const image = {
    repository: str(
      img,
      'repository',
      'image',
      /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/,
      'a registry path',
    ),
    tag,
    digest,
    pullPolicy,
  };

  const origin = str(root, 'origin', 'values', ORIGIN, "a log origin like 'saksi.kpu.go.id/log'");

  const ing = obj(root.ingress, 'ingress');
  const ingress = {
    className: str(ing, 'className', 'ingress', NAME, 'a DNS-1123 label'),
    host: str(ing, 'host', 'ingress', HOST, 'a host name'),
    publicHost: str(ing, 'publicHost', 'ingress', HOST, 'a host name'),
    tlsSecretName: str(ing, 'tlsSecretName', 'ingress', NAME, 'a DNS-1123 label'),
    controllerNamespace: str(ing, 'controllerNamespace', 'ingress', NAME, 'a DNS-1123 label'),
  };

  const cap = obj(root.capacity, 'capacity');
  const targetUtilisation = num(cap, 'targetUtilisation', 'capacity', 0.1, 0.95, false);
  const measuredIn = str(
    cap,
    'measuredIn',
    'capacity',
    /^bench-results\/[A-Za-z0-9._/-]+\/results\.json$/,
    'a bench-results/…/results.json path',
  );
  const cpuRaw = obj(cap.cpuMs, 'capacity.cpuMs');
  const cpuMs = {} as Record<Operation, Record<ProcessGroup, number>>;
  for (const op of OPERATIONS) {
    const o = obj(cpuRaw[op], `capacity.cpuMs.${op}`);
    cpuMs[op] = { api: 0, recap: 0, postgres: 0 };
    for (const g of PROCESS_GROUPS)
      cpuMs[op][g] = num(o, g, `capacity.cpuMs.${op}`, 0, 1000, false);
  }
  for (const k of Object.keys(cpuRaw))
    if (!(OPERATIONS as readonly string[]).includes(k))
      bad(`capacity.cpuMs.${k}`, `is not an operation (${OPERATIONS.join(', ')})`);
  const peaks: Values['capacity']['peaks'] = [];
  if (!Array.isArray(cap.peaks) || cap.peaks.length === 0)
    bad('capacity.peaks', 'must be a non-empty list of stages');
  else
    cap.peaks.forEach((p, i) => {
      const path = `capacity.peaks[${i}]`;
      const o = obj(p, path);
      const stage = str(o, 'stage', path);
      const r = obj(o.rates, `${path}.rates`);
      const rates: Partial<Record<Operation, number>> = {};
      for (const op of Object.keys(r)) {
        if (!(OPERATIONS as readonly string[]).includes(op)) {
          bad(`${path}.rates.${op}`, `is not an operation (${OPERATIONS.join(', ')})`);
          continue;
        }
        rates[op as Operation] = num(r, op, `${path}.rates`, 0, 10_000_000);
      }
      if (Object.keys(rates).length === 0) bad(`${path}.rates`, 'must give at least one rate');
      peaks.push({ stage, rates });
    });

  const a = obj(root.api, 'api');
  const envRaw = a.env === undefined ? {} : obj(a.env, 'api.env');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(envRaw)) {
    if (!/^SAKSI_[A-Z0-9_]+$/.test(k)) bad(`api.env.${k}`, 'must be a SAKSI_* variable');
    else if (SECRET_ENV.test(k))
      bad(`api.env.${k}`, 'looks like a secret: secrets come from Vault or a Secret reference');
    else if (['SAKSI_NODE_ROLE', 'SAKSI_HOST', 'SAKSI_LOG_ORIGIN'].includes(k))
      bad(`api.env.${k}`, 'is set by the renderer');
    if (typeof v !== 'string') bad(`api.env.${k}`, 'must be a string (quote numbers)');
    else env[k] = v;
  }
  const api = {
    coresPerPod: num(a, 'coresPerPod', 'api', 1, 64),
    memoryPerCoreMi: num(a, 'memoryPerCoreMi', 'api', 128, 16_384),
    minReplicas: num(a, 'minReplicas', 'api', 2, 1000),
    maxReplicasFactor: num(a, 'maxReplicasFactor', 'api', 1, 10, false),
    hpaCpuTarget: num(a, 'hpaCpuTarget', 'api', 10, 95),
    pdbMinAvailablePercent: num(a, 'pdbMinAvailablePercent', 'api', 1, 99),
    env,
  };

  const r = obj(root.recap, 'recap');
  const recap = {
    replicas: num(r, 'replicas', 'recap', 1, 16),
    minCpuMilli: num(r, 'minCpuMilli', 'recap', 100, 64_000),
    memoryMi: num(r, 'memoryMi', 'recap', 128, 65_536),
  };

  const pg = obj(root.postgres, 'postgres');
  const postgres = {
    clusterName: str(pg, 'clusterName', 'postgres', NAME, 'a DNS-1123 label'),
    instances: num(pg, 'instances', 'postgres', 1, 9),
    storageSize: str(pg, 'storageSize', 'postgres', QUANTITY, 'a size like 500Gi'),
    walStorageSize: str(pg, 'walStorageSize', 'postgres', QUANTITY, 'a size like 100Gi'),
    storageClass: str(pg, 'storageClass', 'postgres', NAME, 'a DNS-1123 label'),
    minCpu: num(pg, 'minCpu', 'postgres', 1, 256),
    memoryPerCoreGi: num(pg, 'memoryPerCoreGi', 'postgres', 1, 64),
    postgresVersion: str(
      pg,
      'postgresVersion',
      'postgres',
      /^1[4-9]\.[0-9]+$/,
      'a PostgreSQL x.y version, 14 or later',
    ),
    appSecretKey: str(
      pg,
      'appSecretKey',
      'postgres',
      /^[a-z]+$/,
      'a key of the CloudNativePG app secret',
    ),
    operatorNamespace: str(pg, 'operatorNamespace', 'postgres', NAME, 'a DNS-1123 label'),
  };
  if (postgres.instances < 2)
    bad('postgres.instances', 'must be at least 2: the log must survive the loss of its primary');

  const v = obj(root.vault, 'vault');
  const vault = {
    addr: str(v, 'addr', 'vault', /^https:\/\/[^\s/]+(\/.*)?$/, 'an https:// URL'),
    role: str(v, 'role', 'vault', NAME, 'a DNS-1123 label'),
    namespace: str(v, 'namespace', 'vault', NAME, 'a DNS-1123 label'),
    transitMount: str(v, 'transitMount', 'vault', /^[a-z0-9_-]+$/, 'a mount name'),
    keyPrefix: str(v, 'keyPrefix', 'vault', /^[a-z0-9_-]+$/, 'a key name prefix'),
  };

  if (problems.length) throw new ValuesError(problems);
  return {
    namespace,
    image,
    origin,
    ingress,
    capacity: { targetUtilisation, measuredIn, cpuMs, peaks },
    api,
    recap,
    postgres,
    vault,
  };
}
