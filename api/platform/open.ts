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
import { auditRoutes, loadCalendar } from '../domains/audit/index.ts';
import { DbDeviceRegistry } from '../domains/devices/index.ts';
import { FinanceKeys, financePublicRoutes, financeRoutes } from '../domains/finance/index.ts';
import { createIdentity, type Identity, seedDemoOfficers } from '../domains/identity/index.ts';
import { registryFor } from '../domains/registry/index.ts';
import { VoterKeys, voterRoutes } from '../domains/voters/index.ts';
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

export interface PlatformOptions {
  /** The policy engine; loaded from policies/ unless given (tests wrap a real one to watch it). */
  engine?: PolicyEngine;
}

export async function openPlatform(
  rt: Runtime,
  logger: Logger = createLogger({ level: rt.config.logLevel }),
  options: PlatformOptions = {},
): Promise<Platform> {
  const { write, rateLimits } = rt.config;
  const engine = options.engine ?? (await loadPolicyEngine({ logger }));
  const metrics = new Metrics();
  const authorizer = cedarAuthorizer(engine);
  const onDecision = (d: { action: string; allowed: boolean }) =>
    metrics.decisions.inc({ action: d.action, outcome: d.allowed ? 'allow' : 'deny' });
  const identity = createIdentity({
    db: rt.db,
    keys: rt.keys,
    config: rt.config.auth,
    decisions: { authorizer, onDecision },
    demo: rt.config.demo,
  });
  if (rt.config.demo) await seedDemoOfficers(rt.db);
  const committer = ledgerCommitter(rt.db, {
    maxBatch: write.maxBatch,
    concurrency: write.concurrency,
  });
  committer.onBatch = (size) => metrics.writeBatch.observe(size);
  const devices = new DbDeviceRegistry(rt.db);
  const registry = await registryFor(rt.db);
  const stages = loadCalendar(rt.config.audit.stagesFile);
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
      onDecision,
    },
    registry,
    devices,
    officerArea: async (id) => (await identity.officers.get(id))?.area ?? null,
    metrics,
    limits: {
      perPrincipal: new RateLimiter(rateLimits.perPrincipal),
      loginPerIp: new RateLimiter(rateLimits.loginPerIp),
      perIp: new RateLimiter(rateLimits.perIp),
    },
    version: VERSION,
    logger,
    extraRoutes: [
      (app) => keyRotationRoutes(app, rt, { authorizer, onDecision }),
      (app) => keyRetirementRoutes(app, rt, { authorizer, onDecision }, identity.tokens),
      (app) =>
        voterRoutes(app, {
          writes: deps.writes,
          db: rt.db,
          registry,
          keys: new VoterKeys(rt.keys),
          // A person checks their own record a few times, not thousands (enumeration).
          selfCheckLimit: new RateLimiter(rateLimits.selfCheckPerIp),
        }),
      (app) => {
        financeRoutes(app, {
          writes: deps.writes,
          db: rt.db,
          keys: new FinanceKeys(rt.keys),
          officerRole: async (id) => (await identity.officers.get(id))?.role ?? null,
        });
        financePublicRoutes(app, { db: rt.db, log: rt.store });
      },
      (app) =>
        auditRoutes(app, {
          writes: deps.writes,
          db: rt.db,
          log: rt.store,
          stages,
          maxAgeSeconds: rt.config.audit.maxAgeSeconds,
        }),
    ],
  };
  return { deps, engine, identity, metrics };
}
