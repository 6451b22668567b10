/**
 * The browser bundle of the portal's script (portal/main.ts with the verifiers
 * of ledger/verifier), built once per process by esbuild — the bundler tsx
 * already brings, so a production install has it — and kept in memory. Built
 * on first use, not at import, so a server that never serves the portal never
 * pays for it; the build takes a few hundred milliseconds.
 */
import { gzipSync } from 'node:zlib';

export interface Bundle {
  js: string;
  /** Sizes in bytes, raw and gzip-compressed (docs/portal.md states them). */
  bytes: number;
  gzipBytes: number;
}

const ENTRY = new URL('../../portal/main.ts', import.meta.url).pathname;

let built: Promise<Bundle> | undefined;

export function portalBundle(): Promise<Bundle> {
  built ??= build().catch((e) => {
    built = undefined; // a failed build is retried by the next request
    throw e;
  });
  return built;
}

async function build(): Promise<Bundle> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'SaksiPortal',
    target: ['es2020'],
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const js = out.outputFiles[0]!.text;
  return { js, bytes: Buffer.byteLength(js), gzipBytes: gzipSync(js).length };
}
