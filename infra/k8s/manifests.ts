/**
 * The Kubernetes objects of a Saksi deployment, built from validated values and
 * the sizes the capacity model gives (./sizing.ts). Plain objects, one file of
 * rendered YAML per component (./render.ts writes them).
 *
 * What runs (cli/commands/serve.ts):
 * - `saksi-api`: stateless pods, each `saksi serve --workers N` (one process per
 *   core). Every API process is also a sequencer candidate: leadership is the
 *   PostgreSQL session advisory lock (ledger/sequencer.ts acquire), so one
 *   process in the whole Deployment integrates the log and the others take over
 *   within a second of it dying. The sequencer is NOT a separate Deployment: the
 *   product has no role that runs it without the API (docs/deploy.md).
 * - `saksi-recap`: the recap publisher alone (SAKSI_NODE_ROLE=recap,
 *   api/recap-node.ts); several are safe. The API pods run with
 *   SAKSI_NODE_ROLE=api so that they do not fork a publisher of their own.
 * - PostgreSQL: a CloudNativePG `Cluster`; the pods read DATABASE_URL from the
 *   Secret the operator creates (a reference; the password is never here).
 * - Vault: the agent injector logs in with Kubernetes auth and writes a token
 *   file; Saksi reads it (VAULT_TOKEN_FILE) and signs through Transit. Keys
 *   never leave Vault; only their names are configured.
 */
import type { Sizing } from './sizing.ts';
import type { Values } from './values.ts';

export type Manifest = Record<string, unknown>;
export interface RenderedFile {
  name: string;
  /** What the file holds, for its header. */
  about: string;
  docs: Manifest[];
}

const PORT = 8080;
const UID = 10001;
const APP = 'saksi';

function labels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': APP,
  };
}
const selector = (component: string) => ({
  'app.kubernetes.io/name': APP,
  'app.kubernetes.io/component': component,
});

function imageRef(v: Values): string {
  return `${v.image.repository}:${v.image.tag}${v.image.digest ? `@${v.image.digest}` : ''}`;
}

const podSecurity = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  fsGroup: UID,
  seccompProfile: { type: 'RuntimeDefault' },
};
const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/** DATABASE_URL by reference to CloudNativePG's application Secret. */
function databaseEnv(v: Values) {
  return {
    name: 'DATABASE_URL',
    valueFrom: {
      secretKeyRef: { name: `${v.postgres.clusterName}-app`, key: v.postgres.appSecretKey },
    },
  };
}

const env = (name: string, value: string) => ({ name, value });

function api(v: Values, s: Sizing): Manifest[] {
  const component = 'api';
  const name = `${APP}-api`;
  const probe = (path: string, period: number, failures: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: period,
    timeoutSeconds: 3,
    failureThreshold: failures,
  });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: v.namespace, labels: labels(component) },
    spec: {
      // The HPA owns the count; this is the count before it first acts.
      replicas: s.api.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(component) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: labels(component),
          annotations: {
            'vault.hashicorp.com/agent-inject': 'true',
            'vault.hashicorp.com/role': v.vault.role,
            'vault.hashicorp.com/service': v.vault.addr,
            // The agent keeps a renewed token in /vault/secrets/token (VAULT_TOKEN_FILE).
            'vault.hashicorp.com/agent-inject-token': 'true',
            'vault.hashicorp.com/agent-pre-populate': 'true',
            'vault.hashicorp.com/agent-run-as-user': String(UID),
            'vault.hashicorp.com/agent-requests-cpu': '50m',
            'vault.hashicorp.com/agent-limits-cpu': '200m',
            'vault.hashicorp.com/agent-requests-mem': '64Mi',
            'vault.hashicorp.com/agent-limits-mem': '128Mi',
          },
        },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: true,
          securityContext: podSecurity,
          terminationGracePeriodSeconds: 30,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(component) },
            },
          ],
          containers: [
            {
              name: 'api',
              image: imageRef(v),
              imagePullPolicy: v.image.pullPolicy,
              command: ['node', 'bin/saksi.js', 'serve'],
              args: [
                '--workers',
                String(s.api.workersPerPod),
                '--host',
                '0.0.0.0',
                '--port',
                String(PORT),
              ],
              ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              env: [
                env('SAKSI_NODE_ROLE', 'api'),
                env('SAKSI_LOG_ORIGIN', v.origin),
                // Unused with PostgreSQL and Vault, but the process needs a writable place.
                env('SAKSI_DATA', '/tmp/saksi'),
                databaseEnv(v),
                env('VAULT_ADDR', v.vault.addr),
                env('VAULT_TOKEN_FILE', '/vault/secrets/token'),
                env('SAKSI_VAULT_MOUNT', v.vault.transitMount),
                env('SAKSI_VAULT_KEY_PREFIX', v.vault.keyPrefix),
                // Keys are created by infra/vault/setup.sh, never by a serving node.
                env('SAKSI_VAULT_CREATE_KEYS', 'false'),
                ...Object.entries(v.api.env).map(([k, val]) => env(k, val)),
              ],
              resources: {
                requests: { cpu: s.api.cpu, memory: s.api.memory },
                limits: { cpu: s.api.cpu, memory: s.api.memory },
              },
              // Migrations and the registry load happen before listening.
              startupProbe: probe('/healthz', 5, 60),
              livenessProbe: probe('/healthz', 10, 3),
              readinessProbe: probe('/readyz', 5, 2),
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: v.namespace, labels: labels(component) },
    },
    deployment,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: v.namespace, labels: labels(component) },
      spec: {
        type: 'ClusterIP',
        selector: selector(component),
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: v.namespace, labels: labels(component) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: s.api.replicas,
        maxReplicas: s.api.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: v.api.hpaCpuTarget },
            },
          },
        ],
        // Scale up at once, down slowly: a second wave of uploads follows the first.
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0 },
          scaleDown: { stabilizationWindowSeconds: 1800 },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: v.namespace, labels: labels(component) },
      spec: {
        minAvailable: `${v.api.pdbMinAvailablePercent}%`,
        selector: { matchLabels: selector(component) },
      },
    },
  ];
}

function recap(v: Values, s: Sizing): Manifest[] {
  const component = 'recap';
  const name = `${APP}-recap`;
  // The publisher serves no HTTP. Ready: the database answers a TCP connection.
  // Alive: the saksi process (PID 1) is not a zombie. A stuck tick shows as the
  // national totals falling behind (docs/results.md), not here.
  const dbHost = `${v.postgres.clusterName}-rw`;
  const tcpCheck = `require('net').connect(5432,'${dbHost}').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`;
  const aliveCheck = `process.exit(/State:\\s+Z/.test(require('fs').readFileSync('/proc/1/status','utf8'))?1:0)`;
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: v.namespace, labels: labels(component) },
      spec: {
        replicas: v.recap.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector(component) },
        template: {
          metadata: { labels: labels(component) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurity,
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'recap',
                image: imageRef(v),
                imagePullPolicy: v.image.pullPolicy,
                command: ['node', 'bin/saksi.js', 'serve'],
                env: [
                  env('SAKSI_NODE_ROLE', 'recap'),
                  env('SAKSI_LOG_ORIGIN', v.origin),
                  env('SAKSI_DATA', '/tmp/saksi'),
                  databaseEnv(v),
                  ...Object.entries(v.api.env).map(([k, val]) => env(k, val)),
                ],
                resources: {
                  requests: { cpu: s.recap.cpu, memory: s.recap.memory },
                  limits: { cpu: s.recap.cpu, memory: s.recap.memory },
                },
                livenessProbe: {
                  exec: { command: ['node', '-e', aliveCheck] },
                  periodSeconds: 30,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  exec: { command: ['node', '-e', tcpCheck] },
                  periodSeconds: 15,
                  timeoutSeconds: 5,
                  failureThreshold: 2,
                },
                securityContext: containerSecurity,
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
  ];
}

function postgres(v: Values, s: Sizing): Manifest[] {
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: v.postgres.clusterName,
        namespace: v.namespace,
        labels: labels('database'),
      },
      spec: {
        instances: v.postgres.instances,
        imageName: `ghcr.io/cloudnative-pg/postgresql:${v.postgres.postgresVersion}`,
        primaryUpdateStrategy: 'unsupervised',
        // A receipt (201) promises the entry is durable: commit waits for one
        // replica too, so losing the primary loses no acknowledged write.
        minSyncReplicas: 1,
        maxSyncReplicas: Math.max(1, v.postgres.instances - 1),
        postgresql: {
          parameters: {
            max_connections: String(s.postgres.maxConnections),
            shared_buffers: s.postgres.sharedBuffers,
            synchronous_commit: 'on',
            wal_compression: 'on',
            // ledger/store/db.ts also sets it per session; this bounds everyone else.
            idle_in_transaction_session_timeout: '30000',
          },
        },
        bootstrap: { initdb: { database: 'saksi', owner: 'saksi' } },
        storage: { size: v.postgres.storageSize, storageClass: v.postgres.storageClass },
        walStorage: { size: v.postgres.walStorageSize, storageClass: v.postgres.storageClass },
        resources: {
          requests: { cpu: s.postgres.cpu, memory: s.postgres.memory },
          limits: { cpu: s.postgres.cpu, memory: s.postgres.memory },
        },
        affinity: { topologyKey: 'topology.kubernetes.io/zone', podAntiAffinityType: 'required' },
        monitoring: { enablePodMonitor: true },
      },
    },
  ];
}

/** Public read routes: served from a host of their own so that a CDN may cache them. */
export const PUBLIC_READ_PREFIXES = [
  '/log/',
  '/v1/proofs/',
  '/v1/ledger/entries/',
  '/v1/results/',
  '/v1/photos/',
  '/v1/areas/',
  '/v1/contests',
  '/v1/voters/counts/',
] as const;

function ingress(v: Values): Manifest[] {
  const backend = { service: { name: `${APP}-api`, port: { name: 'http' } } };
  const path = (p: string) => ({ path: p, pathType: 'Prefix', backend });
  const common = {
    'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    // A form photo is at most 5 MiB (api/domains/photos); the body limit is enforced again in the API.
    'nginx.ingress.kubernetes.io/proxy-body-size': '6m',
  };
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: `${APP}-api`,
        namespace: v.namespace,
        labels: labels('api'),
        annotations: common,
      },
      spec: {
        ingressClassName: v.ingress.className,
        tls: [{ hosts: [v.ingress.host], secretName: v.ingress.tlsSecretName }],
        // /healthz, /readyz and /metrics are for the cluster, not the Internet.
        rules: [
          {
            host: v.ingress.host,
            http: { paths: [path('/v1/'), path('/log/'), path('/openapi.json')] },
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: `${APP}-public`,
        namespace: v.namespace,
        labels: labels('api'),
        annotations: {
          ...common,
          // Cacheable: the API sets Cache-Control itself (full tiles and photos
          // immutable, partial tiles short, the checkpoint no-cache; api/log/routes.ts),
          // so a CDN or the controller's cache in front of this host follows it.
          'nginx.ingress.kubernetes.io/proxy-buffering': 'on',
          'nginx.ingress.kubernetes.io/enable-cors': 'true',
          'nginx.ingress.kubernetes.io/cors-allow-methods': 'GET, OPTIONS',
        },
      },
      spec: {
        ingressClassName: v.ingress.className,
        tls: [{ hosts: [v.ingress.publicHost], secretName: v.ingress.tlsSecretName }],
        rules: [{ host: v.ingress.publicHost, http: { paths: PUBLIC_READ_PREFIXES.map(path) } }],
      },
    },
  ];
}

function networkPolicies(v: Values): Manifest[] {
  const ns = (name: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  });
  const pods = (component: string) => ({ podSelector: { matchLabels: selector(component) } });
  const dns = {
    to: [ns('kube-system')],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
  const toPostgres = {
    to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': v.postgres.clusterName } } }],
    ports: [{ protocol: 'TCP', port: 5432 }],
  };
  const meta = (name: string) => ({ name, namespace: v.namespace, labels: labels('network') });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${APP}-default-deny`),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${APP}-api`),
      spec: {
        podSelector: { matchLabels: selector('api') },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [ns(v.ingress.controllerNamespace)], ports: [{ protocol: 'TCP', port: PORT }] },
        ],
        egress: [
          dns,
          toPostgres,
          { to: [ns(v.vault.namespace)], ports: [{ protocol: 'TCP', port: 8200 }] },
          // C2SP witnesses (SAKSI_WITNESSES) and OIDC key sets are outside the cluster.
          { ports: [{ protocol: 'TCP', port: 443 }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${APP}-recap`),
      spec: {
        podSelector: { matchLabels: selector('recap') },
        policyTypes: ['Ingress', 'Egress'],
        egress: [dns, toPostgres],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${APP}-database`),
      spec: {
        podSelector: { matchLabels: { 'cnpg.io/cluster': v.postgres.clusterName } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [pods('api'), pods('recap')], ports: [{ protocol: 'TCP', port: 5432 }] },
          // Replication between the instances.
          {
            from: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': v.postgres.clusterName } } }],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
          // The operator's status checks.
          { from: [ns(v.postgres.operatorNamespace)], ports: [{ protocol: 'TCP', port: 8000 }] },
        ],
      },
    },
  ];
}

export function manifests(v: Values, s: Sizing): RenderedFile[] {
  return [
    {
      name: 'namespace.yaml',
      about: 'the namespace',
      docs: [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: v.namespace,
            labels: {
              ...labels('namespace'),
              // Pod Security Admission: the pods above meet "restricted".
              'pod-security.kubernetes.io/enforce': 'restricted',
            },
          },
        },
      ],
    },
    { name: 'api.yaml', about: 'the API and sequencer candidates', docs: api(v, s) },
    { name: 'recap.yaml', about: 'the recap publisher', docs: recap(v, s) },
    { name: 'postgres.yaml', about: 'PostgreSQL (CloudNativePG)', docs: postgres(v, s) },
    { name: 'ingress.yaml', about: 'the API and the cacheable public reads', docs: ingress(v) },
    { name: 'network-policy.yaml', about: 'who may talk to whom', docs: networkPolicies(v) },
  ];
}
