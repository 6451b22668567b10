/** A raw HTTP/1.1 client for the benchmarks: no HTTP library between the load and the server. */
import net from 'node:net';

/** A raw HTTP/1.1 request, for Conn. */
export function httpRequest(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string>,
  body?: Uint8Array | string,
): Buffer {
  const b = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (b) lines.push(`Content-Length: ${b.byteLength}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  return b ? Buffer.concat([head, b]) : head;
}

/**
 * One keep-alive connection: writes a request, reads exactly one response
 * (Content-Length or chunked), and so on. No HTTP library in the way.
 */
export class Conn {
  private sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: Buffer }) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;
  closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.sock = this.open();
  }

  private open(): net.Socket {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.setKeepAlive(true);
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.parse();
    });
    s.on('error', (e) => this.fail(e));
    s.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed'));
    });
    return s;
  }

  private fail(e: Error): void {
    const f = this.failed;
    this.waiting = null;
    this.failed = null;
    f?.(e);
  }

  request(bytes: Buffer): Promise<{ status: number; body: Buffer }> {
    if (this.closed) {
      this.closed = false;
      this.buf = Buffer.alloc(0);
      this.sock = this.open();
    }
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.sock.write(bytes);
    });
  }

  private parse(): void {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer;
    let used: number;
    if (cl) {
      const n = Number(cl[1]);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.subarray(end + 4, end + 4 + n);
      used = end + 4 + n;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const eol = this.buf.indexOf('\r\n', at);
        if (eol < 0) return;
        const size = Number.parseInt(this.buf.toString('latin1', at, eol), 16);
        if (this.buf.length < eol + 2 + size + 2) return;
        if (size === 0) {
          used = eol + 4;
          break;
        }
        parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = Buffer.alloc(0);
      used = end + 4;
    }
    this.buf = this.buf.subarray(used);
    const done = this.waiting;
    this.waiting = null;
    this.failed = null;
    if (/\r\nconnection:\s*close/i.test(head)) this.sock.end();
    done({ status, body });
  }

  close(): void {
    this.sock.destroy();
  }
}
