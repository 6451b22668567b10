/**
 * The policy engine adapter: Cedar (https://www.cedarpolicy.com), evaluated
 * in-process from its official WebAssembly build.
 *
 * Parsing the schema and the policy set is the expensive part of a Cedar call, so
 * both are parsed once at load (`preparseSchema`, `preparsePolicySet`) and every
 * decision refers to them by name through `statefulIsAuthorized`. What remains per
 * call is entity parsing, request validation and evaluation; a decision cache in
 * front of it absorbs repeats (see bench.ts for the numbers).
 */
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import {
  type AuthorizationAnswer,
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
} from '@cedar-policy/cedar-wasm/nodejs';
import { type Logger, pino } from 'pino';
import { LruCache } from './cache.ts';
import { type NormalizedRequest, normalize, toCedar } from './entities.ts';
import { PolicyError } from './errors.ts';
import { type AuthorizationRequest, type Decision, isActionName } from './model.ts';
import { loadPolicySet, type PolicySetDescription } from './policy-set.ts';

export interface PolicyEngineOptions {
  /** Directory holding schema.cedarschema and the *.cedar files; defaults to this folder. */
  dir?: string;
  /**
   * Receives one line per decision (cache hits included). Defaults to a pino
   * logger on stdout, so decisions are never dropped silently; the API passes its own.
   */
  logger?: Logger;
  /** Decisions kept in the LRU cache; 0 turns caching off. Default 20,000. */
  cacheSize?: number;
}

export interface PolicyEngine {
  /** Hex SHA-256 of the active policy set (policy-set.ts `manifestOf`). */
  readonly policySetHash: string;
  /** The record to append to the log when this set is activated. */
  describe(): PolicySetDescription;
  /** Decide one request. Never throws for a denied or malformed request; only for an unknown action. */
  authorize(request: AuthorizationRequest): Decision;
  cacheStats(): { size: number; hits: number; misses: number };
}

/*
 * Node 20's V8 (11.3) aborts the whole process — "Fatal error … unreachable code"
 * in Deoptimizer::DoComputeBuiltinContinuation — when optimised code that inlined
 * the JS→Wasm call into Cedar is lazily deoptimised while that call is running
 * (Cedar's bindings call back into JS, which can invalidate the caller). A load
 * loop that re-creates engines crashed in 7 of 10 runs, and so did most runs of
 * policies/bench.ts; with this inlining off, 0 of 10. The flag only stops TurboFan
 * inlining that call, worth nanoseconds against a decision of ~200 µs; it is set
 * when this module loads, before any authorize() can have been optimised. Remove
 * it once Node 20 is no longer supported and the bench runs clean without it.
 */
if (process.versions.v8.startsWith('11.')) v8.setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export const DEFAULT_POLICY_DIR = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_CACHE_SIZE = 20_000;

export async function loadPolicyEngine(options: PolicyEngineOptions = {}): Promise<PolicyEngine> {
  const set = await loadPolicySet(options.dir ?? DEFAULT_POLICY_DIR);
  const { hash } = set.description;
  // The preparsed copies live in the Wasm module's memory under these names. Two
  // engines with the same hash share them harmlessly: the name is the content.
  const schemaName = `saksi-schema:${hash}`;
  const policySetId = `saksi-policies:${hash}`;
  const schemaAnswer = preparseSchema(schemaName, set.schema);
  if (schemaAnswer.type === 'failure') {
    throw new PolicyError('SCHEMA_INVALID', schemaAnswer.errors.map((e) => e.message).join('; '));
  }
  const policyAnswer = preparsePolicySet(policySetId, { staticPolicies: set.policies });
  if (policyAnswer.type === 'failure') {
    throw new PolicyError('POLICY_INVALID', policyAnswer.errors.map((e) => e.message).join('; '));
  }
  const description = Object.freeze(structuredClone(set.description));
  const logger = options.logger ?? pino({ name: 'saksi.policy' });
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const cache = cacheSize > 0 ? new LruCache<Decision>(cacheSize) : null;

  function evaluate(req: NormalizedRequest): { decision: Decision; cacheable: boolean } {
    const cedar = toCedar(req);
    let answer: AuthorizationAnswer;
    try {
      answer = statefulIsAuthorized({
        ...cedar,
        preparsedSchemaName: schemaName,
        preparsedPolicySetId: policySetId,
        // Check the request and its entities against the schema on every call: a
        // context field the action does not declare is refused, not ignored.
        validateRequest: true,
      });
    } catch (e) {
      return {
        decision: deny([], [`policy engine failed: ${(e as Error).message}`]),
        cacheable: false,
      };
    }
    if (answer.type === 'failure') {
      return {
        decision: deny(
          [],
          answer.errors.map((e) => e.message),
        ),
        cacheable: false,
      };
    }
    const { decision, diagnostics } = answer.response;
    const errors = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
    // Cedar skips a policy whose evaluation errors. Saksi fails closed instead: a
    // forbid that errored might have been the one to deny, so any error denies.
    if (errors.length > 0) return { decision: deny([], errors), cacheable: false };
    return {
      decision: freeze({
        allowed: decision === 'allow',
        policies: diagnostics.reason,
        errors: [],
        cached: false,
      }),
      cacheable: true,
    };
  }

  function log(req: AuthorizationRequest, n: NormalizedRequest | null, d: Decision): void {
    logger.info(
      {
        event: 'authz',
        principal: n?.principal ?? null,
        action: req.action,
        resource: n?.resource ?? null,
        allowed: d.allowed,
        policies: d.policies,
        errors: d.errors,
        cached: d.cached,
        policySetHash: hash,
      },
      d.allowed ? 'allow' : 'deny',
    );
  }

  return {
    policySetHash: hash,
    describe: () => description,
    cacheStats: () => ({
      size: cache?.size ?? 0,
      hits: cache?.hits ?? 0,
      misses: cache?.misses ?? 0,
    }),
    authorize(request: AuthorizationRequest): Decision {
      if (!isActionName(request.action)) {
        throw new PolicyError('UNKNOWN_ACTION', `unknown action ${JSON.stringify(request.action)}`);
      }
      const n = normalize(request.principal, request.action, request.resource, request.context);
      if ('error' in n) {
        const d = deny([], [n.error]);
        log(request, null, d);
        return d;
      }
      // Every input to the entities is in the key (entities.ts), and so is the
      // policy set: a changed role, area or suspension, or a new policy set, can
      // never be answered from a stale entry.
      const key = cache ? JSON.stringify([hash, n.principal, n.action, n.resource, n.context]) : '';
      const hit = cache?.get(key);
      if (hit) {
        const d: Decision = {
          allowed: hit.allowed,
          policies: hit.policies,
          errors: hit.errors,
          cached: true,
        };
        log(request, n, d);
        return d;
      }
      const { decision, cacheable } = evaluate(n);
      if (cache && cacheable) cache.set(key, decision);
      log(request, n, decision);
      return decision;
    },
  };
}

function deny(policies: string[], errors: string[]): Decision {
  return freeze({ allowed: false, policies, errors, cached: false });
}

function freeze(d: Decision): Decision {
  Object.freeze(d.policies);
  Object.freeze(d.errors);
  return Object.freeze(d);
}
