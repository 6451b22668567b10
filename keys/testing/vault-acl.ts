/**
 * TEST INFRASTRUCTURE — part of the Vault contract double (./vault-transit-double.ts);
 * product code never imports it.
 *
 * Vault ACL policies as the double enforces them: the `path "…" { capabilities =
 * […] }` blocks of Vault's policy HCL (https://developer.hashicorp.com/vault/docs/concepts/policies),
 * so the double can load the real files in infra/vault/ and the tests prove those
 * policies allow what the backend needs and nothing it must not do.
 *
 * Implemented: exact paths, a trailing `*` (prefix glob), `+` (one path segment),
 * the capabilities create/read/update/delete/list/sudo/deny, `deny` winning, and
 * the most specific matching path deciding (Vault "Priority matching", reduced to:
 * exact beats glob, then fewer wildcards, then the longer pattern), and
 * `allowed_parameters` (a request naming any other parameter is denied; an empty
 * list allows any value). Not implemented: denied_parameters,
 * required_parameters, templated paths, control groups.
 */

export type Capability =
  | 'create'
  | 'read'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list'
  | 'sudo'
  | 'deny';
const CAPABILITIES: ReadonlySet<string> = new Set([
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
]);

export interface PathRule {
  path: string;
  capabilities: Capability[];
  /** Parameter name → the values allowed ([] = any); absent = no constraint. */
  allowedParameters?: Map<string, unknown[]>;
}

/**
 * Vault's built-in `default` policy, reduced to the token self-service paths a
 * client uses (the real one also grants sys/capabilities-self, cubbyhole, …).
 */
export const DEFAULT_POLICY: PathRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
];

/** Parses the `path` blocks of a Vault policy written in HCL; throws on anything else. */
export function parsePolicyHcl(text: string): PathRule[] {
  const src = text
    .split('\n')
    .map((line) => line.replace(/(^|\s)(#|\/\/).*$/, ''))
    .join('\n');
  const rules: PathRule[] = [];
  const block =
    /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\](?:\s*allowed_parameters\s*=\s*\{([^}]*)\})?\s*\}/gy;
  let rest = src.trim();
  while (rest.length > 0) {
    block.lastIndex = 0;
    const m = block.exec(rest);
    if (!m) throw new Error(`unsupported policy syntax near ${JSON.stringify(rest.slice(0, 60))}`);
    const caps = m[2]!
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '')
      .map((c) => {
        const name = /^"([a-z]+)"$/.exec(c)?.[1];
        if (!name || !CAPABILITIES.has(name)) throw new Error(`unknown capability ${c}`);
        return name as Capability;
      });
    rules.push({
      path: m[1]!,
      capabilities: caps,
      ...(m[3] === undefined ? {} : { allowedParameters: parseParameters(m[3]) }),
    });
    rest = rest.slice(m[0].length).trim();
  }
  return rules;
}

/** The body of `allowed_parameters = { "name" = [values] … }`. */
function parseParameters(text: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const entry = /\s*"([^"]+)"\s*=\s*\[([^\]]*)\]\s*,?/y;
  let at = 0;
  while (text.slice(at).trim() !== '') {
    entry.lastIndex = at;
    const m = entry.exec(text);
    if (!m)
      throw new Error(
        `unsupported allowed_parameters near ${JSON.stringify(text.slice(at, at + 40))}`,
      );
    const values = m[2]!.trim() === '' ? [] : (JSON.parse(`[${m[2]}]`) as unknown[]);
    out.set(m[1]!, values);
    at = entry.lastIndex;
  }
  return out;
}

function matches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const pSegs = (glob ? pattern.slice(0, -1) : pattern).split('/');
  const segs = path.split('/');
  if (!glob && pSegs.length !== segs.length) return false;
  if (glob && segs.length < pSegs.length) return false;
  for (let i = 0; i < pSegs.length; i++) {
    const p = pSegs[i]!;
    const s = segs[i]!;
    const last = i === pSegs.length - 1;
    if (p === '+') continue;
    if (last && glob) return s.startsWith(p);
    if (p !== s) return false;
  }
  return true;
}

/** Lower is more specific. */
function priority(pattern: string): [number, number, number] {
  const wildcards = (pattern.match(/\+/g)?.length ?? 0) + (pattern.endsWith('*') ? 1 : 0);
  return [wildcards === 0 ? 0 : 1, wildcards, -pattern.length];
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `rules` grant `capability` on `path` (no leading slash, no `v1/`) for a
 * request with these body `parameters`.
 */
export function allowed(
  rules: readonly PathRule[],
  path: string,
  capability: Capability,
  parameters: Record<string, unknown> = {},
): boolean {
  const hits = rules.filter((r) => matches(r.path, path));
  if (hits.length === 0) return false;
  const best = hits.map((r) => priority(r.path)).sort(compare)[0]!;
  const deciding = hits.filter((r) => compare(priority(r.path), best) === 0);
  const caps = new Set(deciding.flatMap((r) => r.capabilities));
  if (caps.has('deny') || !caps.has(capability)) return false;
  const constraints = deciding.flatMap((r) => (r.allowedParameters ? [r.allowedParameters] : []));
  if (constraints.length === 0) return true;
  // Vault merges the constraints of the matching policies: a parameter must be
  // allowed by one of them, with one of its values unless that list is empty.
  return Object.entries(parameters).every(([name, value]) =>
    constraints.some((c) => {
      const values = c.get(name);
      return values !== undefined && (values.length === 0 || values.includes(value));
    }),
  );
}
