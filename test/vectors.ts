/**
 * Public spec vectors kept inside the repository (test/vectors/, each folder with
 * its SOURCE.md and licence), so a fresh clone runs every vector test. The suite
 * never reads files outside the repository (test/no-outside-files.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS_DIR = fileURLToPath(new URL('./vectors/', import.meta.url));

/** Parses one vector file, e.g. `rfc6962-cctv/inclusion-valid.json`. */
// biome-ignore lint/suspicious/noExplicitAny: vector files are read by tests that know their shape
export function loadVector<T = any>(path: string): T {
  return JSON.parse(readFileSync(VECTORS_DIR + path, 'utf8')) as T;
}
