/**
 * The terminal's progress bar (issue #13 "Performance"): drawn on stderr only
 * when it is a TTY, redrawn at most every 100 ms; nothing at all otherwise, so
 * logs and CI output stay clean.
 */
import type { AuditProgress } from './types.ts';

export function progressBar(
  stream: { isTTY?: boolean; write(s: string): unknown; columns?: number } = process.stderr,
): ((p: AuditProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    const width = 30;
    const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const filled = Math.round(share * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    stream.write(
      `\r${p.control.padEnd(16)} ${bar} ${String(Math.round(share * 100)).padStart(3)}% ${p.done}/${p.total}${p.done >= p.total ? '\n' : ''}`,
    );
  };
}
