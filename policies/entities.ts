/**
 * Cedar request and entities for one decision, built from the request alone.
 *
 * Everything Cedar sees is a pure function of the normalised request: the area
 * entities come from the area codes (areas.ts), the officer entity from the
 * principal's fields. That is what makes the decision cache safe — the cache key is
 * the normalised request, so two requests with the same key present identical
 * entities ("entity versions" are the key's own fields). Whoever adds an entity
 * attribute here must add it to `NormalizedRequest`, and thereby to the key.
 */
import type { EntityJson, EntityUidJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { areaAncestors, areaLevel, isAreaCode, parentArea } from './areas.ts';
import { type ActionName, isRole, type RequestContext, type Role } from './model.ts';

export const LOG_ID = 'log';
export const ANONYMOUS_ID = 'anonymous';

export type NormalizedPrincipal =
  | { type: 'Officer'; id: string; role: Role; area: string; suspended: boolean }
  | { type: 'Public' };
export type NormalizedResource = { type: 'Area'; code: string } | { type: 'Log' };

export interface NormalizedRequest {
  principal: NormalizedPrincipal;
  action: ActionName;
  resource: NormalizedResource;
  /** Sorted by key, so that the cache key does not depend on property order. */
  context: [string, boolean | string | number][];
}

const MAX_ID_LENGTH = 256;

/**
 * Check the caller-supplied parts and put them in canonical form, or say why not.
 * Resource codes and context come from requests (attacker-controlled); the
 * principal comes from the API's authentication, but is checked all the same.
 */
export function normalize(
  principal: unknown,
  action: ActionName,
  resource: unknown,
  context: RequestContext | undefined,
): NormalizedRequest | { error: string } {
  let p: NormalizedPrincipal;
  if (isObject(principal) && principal.type === 'Public') {
    p = { type: 'Public' };
  } else if (
    isObject(principal) &&
    (principal.type === undefined || principal.type === 'Officer')
  ) {
    const { id, role, area, suspended } = principal;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      return { error: 'principal.id must be a non-empty string of at most 256 characters' };
    }
    if (!isRole(role)) return { error: `unknown role ${JSON.stringify(role)}` };
    if (!isAreaCode(area))
      return { error: `principal.area is not an area code: ${JSON.stringify(area)}` };
    if (suspended !== undefined && typeof suspended !== 'boolean') {
      return { error: 'principal.suspended must be a boolean' };
    }
    p = { type: 'Officer', id, role, area, suspended: suspended ?? false };
  } else {
    return { error: 'principal must be an officer or the anonymous public' };
  }

  let r: NormalizedResource;
  if (isObject(resource) && resource.type === 'Log') {
    r = { type: 'Log' };
  } else if (isObject(resource) && resource.type === 'Area') {
    if (!isAreaCode(resource.code)) {
      return { error: `resource is not an area code: ${JSON.stringify(resource.code)}` };
    }
    r = { type: 'Area', code: resource.code };
  } else {
    return { error: "resource must be {type:'Area', code} or {type:'Log'}" };
  }

  const ctx: [string, boolean | string | number][] = [];
  if (context !== undefined) {
    if (!isObject(context)) return { error: 'context must be an object' };
    for (const key of Object.keys(context).sort()) {
      const v = context[key];
      const ok =
        typeof v === 'boolean' ||
        typeof v === 'string' ||
        (typeof v === 'number' && Number.isSafeInteger(v));
      if (!ok) return { error: `context.${key} must be a boolean, a string or a safe integer` };
      ctx.push([key, v as boolean | string | number]);
    }
  }
  return { principal: p, action, resource: r, context: ctx };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const areaUid = (code: string): TypeAndId => ({ type: 'Saksi::Area', id: code });

function areaEntity(code: string): EntityJson {
  const parent = parentArea(code);
  return {
    uid: areaUid(code),
    attrs: { level: areaLevel(code) },
    parents: parent ? [areaUid(parent)] : [],
  };
}

export interface CedarRequest {
  principal: EntityUidJson;
  action: EntityUidJson;
  resource: EntityUidJson;
  context: Record<string, boolean | string | number>;
  entities: EntityJson[];
}

/** The Cedar request: UIDs, context, and the entities the policies may dereference. */
export function toCedar(req: NormalizedRequest): CedarRequest {
  const areas = new Set<string>();
  const addChain = (code: string) => {
    areas.add(code);
    for (const a of areaAncestors(code)) areas.add(a);
  };
  const entities: EntityJson[] = [];

  let principal: EntityUidJson;
  if (req.principal.type === 'Officer') {
    const { id, role, area, suspended } = req.principal;
    principal = { type: 'Saksi::Officer', id };
    // The officer's parent is its assigned area, as the schema documents.
    entities.push({
      uid: principal,
      attrs: { role, area: { __entity: areaUid(area) }, suspended },
      parents: [areaUid(area)],
    });
    addChain(area);
  } else {
    principal = { type: 'Saksi::Public', id: ANONYMOUS_ID };
    entities.push({ uid: principal, attrs: {}, parents: [] });
  }

  let resource: EntityUidJson;
  if (req.resource.type === 'Area') {
    resource = areaUid(req.resource.code);
    addChain(req.resource.code);
  } else {
    resource = { type: 'Saksi::Log', id: LOG_ID };
    entities.push({ uid: resource, attrs: {}, parents: [] });
  }
  for (const code of areas) entities.push(areaEntity(code));

  return {
    principal,
    action: { type: 'Saksi::Action', id: req.action },
    resource,
    context: Object.fromEntries(req.context),
    entities,
  };
}
