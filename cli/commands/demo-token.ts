/**
 * `saksi demo token --url URL --role ROLE [--area CODE]` (CONTRACT.md): against a
 * server started with `--demo`, prints a bearer token for the demo officer of
 * that role (and area) on one line, so that `TOKEN=$(saksi demo token …)` works.
 *
 * Exit codes: 0 printed; 1 the server refused or could not be reached (printed
 * on stderr); 2 usage error.
 */
import { isAreaCode, ROLES } from '../../policies/index.ts';
import { type CommandSpec, type Io, parseCommand, str, UsageError } from '../args.ts';

export const DEMO_TOKEN: CommandSpec = {
  command: 'demo token',
  summary: 'demo mode only: print a bearer token for the demo officer of a role (and area)',
  flags: [
    {
      name: 'url',
      type: 'string',
      value: 'URL',
      required: true,
      description: 'the demo server, e.g. http://127.0.0.1:8080',
    },
    {
      name: 'role',
      type: 'string',
      value: 'ROLE',
      required: true,
      description: `one of ${ROLES.join(', ')}`,
    },
    {
      name: 'area',
      type: 'string',
      value: 'CODE',
      description:
        "the officer's area ('ID', or 2/4/6/10/13 digits), fitting the role and in the\nserver's registry; default: the role's demo area in Jakarta Pusat",
    },
  ],
};

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

export async function demoTokenCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseCommand(DEMO_TOKEN, args, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const url = str(flags, 'url')!;
  const role = str(flags, 'role')!.toUpperCase();
  const area = str(flags, 'area');
  if (!(ROLES as readonly string[]).includes(role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (area !== undefined && !isAreaCode(area))
    throw new UsageError("--area must be 'ID' or an area code of 2, 4, 6, 10 or 13 digits");
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--url must be http or https');

  const root = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
  if (area !== undefined) {
    const known = await areaInRegistry(root, area, io);
    if (known !== true) {
      io.stderr(`saksi demo token: ${known}`);
      return 1;
    }
  }
  const endpoint = new URL('v1/demo/token', root);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(area === undefined ? { role } : { role, area }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (e) {
    io.stderr(`saksi demo token: cannot reach ${endpoint.href}: ${(e as Error).message}`);
    return 1;
  }
  const text = await readBounded(res);
  if (text === null) {
    io.stderr(`saksi demo token: the answer from ${endpoint.href} is too large`);
    return 1;
  }
  if (res.status === 404) {
    io.stderr(
      `saksi demo token: ${base.href} has no demo tokens; start it with \`saksi serve --demo\``,
    );
    return 1;
  }
  let body: { token?: unknown; error?: { message?: unknown } } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status !== 200 || typeof body?.token !== 'string') {
    const why = typeof body?.error?.message === 'string' ? body.error.message : text.slice(0, 200);
    io.stderr(`saksi demo token: ${endpoint.href} answered ${res.status}: ${why}`);
    return 1;
  }
  io.stdout(body.token);
  return 0;
}

/**
 * Whether `area` is in the server's election registry (GET /v1/areas/{code},
 * public): true, or why not. The server would otherwise create a demo officer
 * for any well-formed code, and the token would work for an area that does not
 * exist. A server without the registry route cannot be asked: that is said on
 * stderr and the server's own checks decide.
 */
async function areaInRegistry(root: URL, area: string, io: Io): Promise<true | string> {
  const url = new URL(`v1/areas/${area}`, root);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (e) {
    return `cannot reach ${url.href}: ${(e as Error).message}`;
  }
  const text = (await readBounded(res)) ?? '';
  if (res.status === 200) return true;
  let code: unknown;
  try {
    code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    code = undefined;
  }
  if (res.status === 404 && code === 'NOT_FOUND')
    return `no area ${area} in the registry of ${root.href}; list areas with GET ${new URL('v1/areas/ID', root).href}`;
  if (res.status === 404) {
    io.stderr(`saksi demo token: ${root.href} has no registry to check --area ${area} against`);
    return true;
  }
  return `${url.href} answered ${res.status}: ${text.slice(0, 200)}`;
}

/** The body as text, or null past MAX_RESPONSE_BYTES (read no further). */
async function readBounded(res: Response): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.length;
    // Leaving the loop cancels the stream: nothing more is read.
    if (total > MAX_RESPONSE_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
