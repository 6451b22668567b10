/**
 * Builds the platform around a runtime: the Cedar policy engine (validated and
 * preparsed once), identity (tokens, officers, login, OIDC), the group-committed
 * write path, device registry, metrics, rate limits — and records at start-up
 * which policy set and keys are active (activation.ts).
 */
import type { Logger } from 'pino';
import { verifierKeyOf } from '../../ledger/index.ts';
import { loadPolicyEngine, type PolicyEngine } from '../../policies/index.ts';
import { TOKEN_KEY_NAME } from '../auth/tokens.ts';
import { DbDeviceRegistry } from '../domains/devices/registry.ts';
import { registryFor } from '../domains/registry/index.ts';
import { createIdentity, type Identity, seedDemoOfficers } from '../identity/index.ts';
import type { Runtime } from '../runtime.ts';
import { cedarAuthorizer } from '../write/cedar-authorizer.ts';
import { ledgerCommitter } from '../write/ledgered-write.ts';
import { recordActivations } from './activation.ts';
import { keyRetirementRoutes } from './key-retirement.ts';
import { keyRotationRoutes } from './key-rotation.ts';
import { createLogger } from './logger.ts';
import { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limit.ts';
import type { PlatformDeps } from './routes.ts';

export interface Platform {
  deps: PlatformDeps;
  engine: PolicyEngine;
  identity: Identity;
  metrics: Metrics;
}

export const VERSION = '0.1.0';

export async function openPlatform(
  rt: Runtime,
  logger: Logger = createLogger(),
): Promise<Platform> {
  const env = process.env;
  const engine = await loadPolicyEngine({ logger });
  const identity = createIdentity({
    db: rt.db,
    keys: rt.keys,
    config: rt.config.auth,
    demo: rt.config.demo,
  });
  if (rt.config.demo) await seedDemoOfficers(rt.db);
  const metrics = new Metrics();
  const committer = ledgerCommitter(rt.db, {
    maxBatch: Number(env.SAKSI_WRITE_BATCH ?? 256),
    // One shared commit in flight per process measured best on 2 cores: while it
    // commits, the next batch gathers (bench-results/api.md: 4 → 1 raised writes/s
    // by 18% and cut p99 from 714 to 298 ms).
    concurrency: Number(env.SAKSI_WRITE_CONCURRENCY ?? 1),
  });
  committer.onBatch = (size) => metrics.writeBatch.observe(size);
  const devices = new DbDeviceRegistry(rt.db);
  const registry = await registryFor(rt.db);
  const tokenSigner = await rt.keys.signer('token', TOKEN_KEY_NAME);
  await recordActivations(rt.db, [
    {
      subject: 'policy-set',
      kind: 'system.policy_set.activated',
      payload: { ...engine.describe() } as never,
    },
    {
      subject: 'key:log',
      kind: 'system.key.activated',
      payload: { label: 'log', verifierKey: rt.verifierKey },
    },
    {
      subject: 'key:token',
      kind: 'system.key.activated',
      payload: { label: 'token', verifierKey: verifierKeyOf(tokenSigner) },
    },
  ]);
  rt.sequencer.poke();
  const authorizer = cedarAuthorizer(engine);
  const deps: PlatformDeps = {
    db: rt.db,
    authenticate: identity.authenticate,
    identity: identity.routes,
    writes: {
      committer,
      store: rt.store,
      authorizer,
      devices,
      poke: () => rt.sequencer.poke(),
      onDecision: (d) =>
        metrics.decisions.inc({ action: d.action, outcome: d.allowed ? 'allow' : 'deny' }),
    },
    registry,
    devices,
    officerArea: async (id) => (await identity.officers.get(id))?.area ?? null,
    metrics,
    limits: {
      perPrincipal: new RateLimiter({
        rate: Number(env.SAKSI_RATE_PRINCIPAL ?? 100),
        burst: Number(env.SAKSI_BURST_PRINCIPAL ?? 200),
      }),
      loginPerIp: new RateLimiter({
        rate: Number(env.SAKSI_RATE_LOGIN ?? 5),
        burst: Number(env.SAKSI_BURST_LOGIN ?? 20),
      }),
      perIp: new RateLimiter({
        rate: Number(env.SAKSI_RATE_IP ?? 20_000),
        burst: Number(env.SAKSI_BURST_IP ?? 40_000),
      }),
    },
    version: VERSION,
    logger,
    extraRoutes: [
      (app) => keyRotationRoutes(app, rt, authorizer),
      (app) => keyRetirementRoutes(app, rt, authorizer, identity.tokens),
    ],
  };
  return { deps, engine, identity, metrics };
}
