/**
 * Reading, checking and fingerprinting a policy set: `schema.cedarschema` plus
 * every `*.cedar` file in one directory.
 *
 * Loading fails closed. A file that does not parse, a policy without a unique
 * `@id`, a template, or any strict-validation error or warning against the schema
 * (https://docs.cedarpolicy.com/policies/validation.html) stops the load with a
 * PolicyError: a service that cannot prove its rules are the ones written must not
 * serve requests.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkParseSchema,
  type DetailedError,
  getCedarVersion,
  policySetTextToParts,
  policyToJson,
  schemaToJson,
  validate,
} from '@cedar-policy/cedar-wasm/nodejs';
import { PolicyError } from './errors.ts';
import { ACTIONS } from './model.ts';

export const SCHEMA_FILE = 'schema.cedarschema';
/** Lower-case ASCII names only, so "sorted by name" means the same in every locale. */
const POLICY_FILE = /^[a-z0-9][a-z0-9_-]*\.cedar$/;
const POLICY_ID = /^[a-z0-9][a-z0-9._-]*$/;

export interface PolicyFile {
  name: string;
  text: string;
  sha256: string;
}

/** What the API appends to the log when this policy set is activated. */
export interface PolicySetDescription {
  /** Hex SHA-256 of the manifest (see `manifestOf`). */
  hash: string;
  /** Every file that makes up the set, schema included, sorted by name. */
  files: { name: string; sha256: string }[];
  /** The `@id` of every policy, sorted. */
  policies: string[];
  /** The Cedar version that evaluates it: the same text could mean more under a later language version. */
  engine: string;
}

export interface LoadedPolicySet {
  schema: string;
  /** Policy text keyed by its `@id`: the engine reports these keys as determining policies. */
  policies: Record<string, string>;
  description: PolicySetDescription;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
/** Refuse bytes that are not UTF-8 rather than hash one thing and evaluate another. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The canonical serialisation that `hash` covers: one line per file, schema
 * included, sorted by file name (byte order), each `<sha256 hex>  <name>\n` — the
 * exact output format of coreutils' sha256sum. An auditor reproduces the hash from a
 * checkout with
 *
 *   cd policies && sha256sum schema.cedarschema *.cedar | LC_ALL=C sort -k 2 | sha256sum
 *
 * The manifest commits to every name and every byte of every file; renaming,
 * adding or removing a file changes it as surely as editing one.
 */
export function manifestOf(files: readonly { name: string; sha256: string }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

function formatErrors(errors: readonly DetailedError[], file?: PolicyFile): string {
  return errors
    .map((e) => {
      const at = e.sourceLocations?.[0];
      const where = file ? `${file.name}${at ? `:${lineOf(file.text, at.start)}` : ''}: ` : '';
      return `${where}${e.message}${e.help ? ` (${e.help})` : ''}`;
    })
    .join('; ');
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

async function readPolicyFiles(dir: string): Promise<{ schema: PolicyFile; files: PolicyFile[] }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new PolicyError('POLICY_DIR_INVALID', `cannot read policy directory ${dir}`, { cause });
  }
  const read = async (name: string): Promise<PolicyFile> => {
    const bytes = await readFile(join(dir, name));
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (cause) {
      throw new PolicyError('POLICY_DIR_INVALID', `${name} is not UTF-8`, { cause });
    }
    // The hash covers the bytes on disk, so sha256sum reproduces it.
    return { name, text, sha256: sha256(bytes) };
  };
  if (!names.includes(SCHEMA_FILE)) {
    throw new PolicyError('POLICY_DIR_INVALID', `${dir} has no ${SCHEMA_FILE}`);
  }
  const cedarNames = names.filter((n) => n.endsWith('.cedar') || n.endsWith('.cedarschema'));
  const files: PolicyFile[] = [];
  for (const name of cedarNames.sort()) {
    if (name === SCHEMA_FILE) continue;
    if (!POLICY_FILE.test(name)) {
      throw new PolicyError(
        'POLICY_DIR_INVALID',
        `${name}: policy files are named [a-z0-9_-]+.cedar and the only schema is ${SCHEMA_FILE}`,
      );
    }
    files.push(await read(name));
  }
  if (files.length === 0) throw new PolicyError('POLICY_DIR_INVALID', `${dir} has no .cedar files`);
  return { schema: await read(SCHEMA_FILE), files };
}

function checkSchema(schema: PolicyFile): void {
  const parsed = checkParseSchema(schema.text);
  if (parsed.type === 'failure') {
    throw new PolicyError('SCHEMA_INVALID', formatErrors(parsed.errors, schema));
  }
  // The TypeScript ACTIONS list is what callers compile against; an action the
  // schema lacks could never be allowed, one it adds could never be asked for.
  const json = schemaToJson(schema.text);
  if (json.type === 'failure') {
    throw new PolicyError('SCHEMA_INVALID', formatErrors(json.errors, schema));
  }
  const declared = Object.keys(json.json.Saksi?.actions ?? {}).sort();
  const expected = [...ACTIONS].sort();
  if (declared.join('\n') !== expected.join('\n')) {
    throw new PolicyError(
      'SCHEMA_INVALID',
      `${schema.name} declares actions [${declared.join(', ')}] but policies/model.ts has [${expected.join(', ')}]`,
    );
  }
}

/** Split each file into policies and key them by their `@id` annotation. */
function collectPolicies(files: readonly PolicyFile[]): {
  policies: Record<string, string>;
  fileOf: Map<string, PolicyFile>;
} {
  const policies: Record<string, string> = {};
  const fileOf = new Map<string, PolicyFile>();
  for (const file of files) {
    const parts = policySetTextToParts(file.text);
    if (parts.type === 'failure') {
      throw new PolicyError('POLICY_INVALID', formatErrors(parts.errors, file));
    }
    if (parts.policy_templates.length > 0) {
      throw new PolicyError('POLICY_INVALID', `${file.name}: templates are not used in Saksi`);
    }
    for (const text of parts.policies) {
      const json = policyToJson(text);
      if (json.type === 'failure') {
        throw new PolicyError('POLICY_INVALID', `${file.name}: ${formatErrors(json.errors)}`);
      }
      const id = json.json.annotations?.id;
      if (id === undefined || !POLICY_ID.test(id)) {
        throw new PolicyError(
          'POLICY_INVALID',
          `${file.name}: every policy needs an @id("…") of [a-z0-9._-]; found ${JSON.stringify(id ?? null)} on: ${text.split('\n').find((l) => /^\s*(permit|forbid)/.test(l)) ?? text.slice(0, 60)}`,
        );
      }
      const clash = fileOf.get(id);
      if (clash) {
        throw new PolicyError(
          'POLICY_INVALID',
          `@id("${id}") is used in ${clash.name} and ${file.name}`,
        );
      }
      policies[id] = text;
      fileOf.set(id, file);
    }
  }
  return { policies, fileOf };
}

/** Read, parse and strictly validate the policy set in `dir`; throw PolicyError on any defect. */
export async function loadPolicySet(dir: string): Promise<LoadedPolicySet> {
  const { schema, files } = await readPolicyFiles(dir);
  checkSchema(schema);
  const { policies, fileOf } = collectPolicies(files);

  const answer = validate({
    schema: schema.text,
    policies: { staticPolicies: policies },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    throw new PolicyError('POLICY_INVALID', formatErrors(answer.errors));
  }
  // Warnings are refused too: Cedar warns, for instance, about a policy that can
  // never apply, which in a reviewed set is a bug, not a style issue.
  const problems = [...answer.validationErrors, ...answer.validationWarnings].map((v) => {
    const file = fileOf.get(v.policyId);
    return `${file?.name ?? '?'} @id("${v.policyId}"): ${v.error.message}`;
  });
  if (problems.length > 0 || answer.otherWarnings.length > 0) {
    throw new PolicyError(
      'POLICY_INVALID',
      [...problems, formatErrors(answer.otherWarnings)].filter(Boolean).join('; '),
    );
  }

  const all = [schema, ...files].map(({ name, sha256 }) => ({ name, sha256 }));
  const manifest = manifestOf(all);
  return {
    schema: schema.text,
    policies,
    description: {
      hash: sha256(manifest),
      files: all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      policies: Object.keys(policies).sort(),
      engine: `cedar ${getCedarVersion()}`,
    },
  };
}
