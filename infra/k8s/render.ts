/**
 * Renders infra/k8s/values.yaml into plain Kubernetes manifests in
 * infra/k8s/rendered/ (`npm run render:k8s`; `--check` only compares, exit 1 if
 * the committed files differ). No Helm, no templates: the values are validated
 * (./values.ts), sized by the capacity model (./sizing.ts), built as objects
 * (./manifests.ts) and printed by the `yaml` package, so what is applied is what
 * is reviewed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { manifests } from './manifests.ts';
import { type Sizing, size } from './sizing.ts';
import { validateValues } from './values.ts';

export const K8S_DIR = fileURLToPath(new URL('.', import.meta.url));
export const VALUES_FILE = join(K8S_DIR, 'values.yaml');
export const RENDERED_DIR = join(K8S_DIR, 'rendered');

function sizingComment(s: Sizing): string {
  const lines = [
    '# Sizes from the capacity model (values.yaml capacity; infra/k8s/sizing.ts):',
    ...s.stages.map(
      (st) =>
        `#   ${st.stage}: API ${st.cores.api} cores, recap ${st.cores.recap}, PostgreSQL ${st.cores.postgres}`,
    ),
    `#   → API ${s.api.replicas} pods (HPA up to ${s.api.maxReplicas}) of ${s.api.cpu} cores; recap ${s.recap.cpu} each; PostgreSQL ${s.postgres.cpu} cores, ${s.postgres.memory}`,
  ];
  return lines.join('\n');
}

/** File name → rendered text, from the text of a values file. Throws ValuesError. */
export function render(valuesText: string): Map<string, string> {
  const values = validateValues(parse(valuesText));
  const sizing = size(values);
  const out = new Map<string, string>();
  for (const f of manifests(values, sizing)) {
    const head = [
      `# ${f.about}. Rendered by infra/k8s/render.ts from infra/k8s/values.yaml:`,
      '# do not edit; change values.yaml and run `npm run render:k8s`.',
      sizingComment(sizing),
    ].join('\n');
    // YAML 1.1 as Kubernetes' parser reads it: 'on', 'off', 'yes' stay strings (quoted).
    const body = f.docs
      .map((d) => stringify(d, { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false }))
      .join('---\n');
    out.set(f.name, `${head}\n---\n${body}`);
  }
  return out;
}

/** The committed files that differ from a fresh render (missing, changed or extra). */
export function stale(rendered: Map<string, string>, dir = RENDERED_DIR): string[] {
  let present: string[] = [];
  try {
    present = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  } catch {
    // no directory yet: every file is missing
  }
  const differs = [...rendered].filter(([name, text]) => {
    try {
      return readFileSync(join(dir, name), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  return [...differs.map(([name]) => name), ...present.filter((f) => !rendered.has(f))].sort();
}

function main(argv: string[]): number {
  const rendered = render(readFileSync(VALUES_FILE, 'utf8'));
  if (argv.includes('--check')) {
    const files = stale(rendered);
    if (files.length) {
      console.error(`infra/k8s/rendered is stale (${files.join(', ')}): run npm run render:k8s`);
      return 1;
    }
    return 0;
  }
  rmSync(RENDERED_DIR, { recursive: true, force: true });
  mkdirSync(RENDERED_DIR, { recursive: true });
  for (const [name, text] of rendered) writeFileSync(join(RENDERED_DIR, name), text);
  console.log(`rendered ${rendered.size} files into infra/k8s/rendered/`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
