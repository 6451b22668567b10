/**
 * `saksi demo token --url URL --role ROLE [--area CODE]` (CONTRACT.md): against a
 * server started with `--demo`, prints a bearer token for the demo officer of
 * that role (and area) on one line, so that `TOKEN=$(saksi demo token …)` works.
 *
 * Exit codes: 0 printed; 1 the server refused or could not be reached (printed
 * on stderr); 2 usage error.
 */
import { isAreaCode, ROLES } from '../../policies/index.ts';
import { type Io, parseArgs, str, UsageError } from '../args.ts';

const USAGE = `usage: saksi demo token --url URL --role ROLE [--area CODE]

  --url URL     the demo server, e.g. http://127.0.0.1:8080
  --role ROLE   one of ${ROLES.join(', ')}
  --area CODE   the officer's area ('ID', or 2/4/6/10/13 digits) fitting the role;
                default: the role's demo area in Jakarta Pusat
`;

const TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

export async function demoTokenCommand(args: string[], io: Io): Promise<number> {
  const { flags, positional } = parseArgs(args, {
    values: ['url', 'role', 'area'],
    booleans: ['help'],
  });
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  const url = str(flags, 'url');
  const role = str(flags, 'role')?.toUpperCase();
  const area = str(flags, 'area');
  if (!url) throw new UsageError('--url is required');
  if (!role) throw new UsageError('--role is required');
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

  const endpoint = new URL('v1/demo/token', base.href.endsWith('/') ? base : `${base.href}/`);
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
