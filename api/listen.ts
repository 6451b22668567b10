/**
 * Listening on the API's address, and saying clearly why it cannot be done.
 * Kept apart from ./server.ts (and light: node:net only) so that `saksi serve`
 * checks its port before it loads and opens everything else.
 */
import { createServer } from 'node:net';

/** The server could not listen: the address is taken or not allowed. */
export class ListenError extends Error {
  constructor(
    readonly code:
      | 'ADDRESS_IN_USE'
      | 'ADDRESS_NOT_AVAILABLE'
      | 'PERMISSION_DENIED'
      | 'LISTEN_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Fails at once if `host:port` cannot be listened on, so that `saksi serve`
 * says so before it spends seconds opening the database. Only a first answer:
 * the port may be taken in between, and startServer reports that too.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (e) {
    throw listenError(e, host, port);
  } finally {
    await new Promise((r) => probe.close(r));
  }
}

export function listenError(e: unknown, host: string, port: number): ListenError {
  const at = `${host}:${port}`;
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ListenError(
        'ADDRESS_IN_USE',
        `cannot listen on ${at}: the port is already in use (another saksi serve?); choose another with --port`,
      );
    case 'EADDRNOTAVAIL':
      return new ListenError(
        'ADDRESS_NOT_AVAILABLE',
        `cannot listen on ${at}: no such local address; check --host`,
      );
    case 'EACCES':
      return new ListenError(
        'PERMISSION_DENIED',
        `cannot listen on ${at}: permission denied (ports below 1024 need privileges)`,
      );
    default:
      return new ListenError(
        'LISTEN_FAILED',
        `cannot listen on ${at}: ${e instanceof Error ? e.message : String(e)}`,
      );
  }
}
