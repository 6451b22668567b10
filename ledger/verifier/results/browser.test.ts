/**
 * The results verifier runs in a browser (issue #9): bundled for the browser by
 * esbuild (which tsx already brings) it resolves no Node built-in, and the bundle,
 * run in a bare JavaScript context with only what every browser has
 * (TextEncoder, TextDecoder), verifies a real proof and refuses a forged one.
 */
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProof, VERIFIER_KEY } from '../../../test/results-proof.ts';
import type { ResultsProof } from './index.ts';

let bundle: string;
let proof: ResultsProof;
beforeAll(async () => {
  const out = await build({
    entryPoints: [new URL('./index.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'SaksiResults',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
  proof = await buildProof();
}, 60_000);

describe('the results verifier in a browser', () => {
  it('bundles without Node built-ins, small enough to ship', () => {
    expect(bundle).not.toMatch(/\brequire\(|node:/);
    expect(bundle.length).toBeLessThan(120 * 1024);
  });

  it('verifies a proof in a context that has no Node globals', () => {
    // A fresh realm: its own Object and Uint8Array, none of Node's globals. The
    // proof goes in as JSON text, as a browser receives it; TextEncoder and
    // TextDecoder (every browser has them) are given in that realm's types.
    const ctx = createContext({ proofText: JSON.stringify(proof), key: VERIFIER_KEY });
    const RealmBytes = runInContext('Uint8Array', ctx) as Uint8ArrayConstructor;
    const outer = { encoder: new TextEncoder(), decoder: new TextDecoder() };
    ctx.TextEncoder = class {
      encode(s: string) {
        return RealmBytes.from(outer.encoder.encode(s));
      }
    };
    ctx.TextDecoder = class {
      decode(b: Uint8Array) {
        return outer.decoder.decode(Uint8Array.from(b));
      }
    };
    expect(runInContext('typeof process + typeof Buffer + typeof require', ctx)).toBe(
      'undefinedundefinedundefined',
    );
    runInContext(bundle, ctx);
    const codes = (code: string) =>
      JSON.parse(
        runInContext(
          `JSON.stringify(SaksiResults.verifyResultsProof(${code}, key).errors.map((e) => e.code))`,
          ctx,
        ) as string,
      ) as string[];
    expect(codes('JSON.parse(proofText)')).toEqual([]);
    expect(codes('{ ...JSON.parse(proofText), treeSize: 1 }')).toContain(
      'CHECKPOINT_SIZE_MISMATCH',
    );
    expect(codes('[]')).toEqual(['MALFORMED_PROOF']);
  });
});
