// The command line as a curious user meets it (issue #10): every command answers
// --help with exit 0 and lists every flag it accepts, the list of commands shows
// every flag of every command, and `saksi --version` prints the package version.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Io } from './args.ts';
import { DOC, withGeneratedFlags } from './flags-doc.ts';
import { COMMANDS, main, usage } from './main.ts';

function capture(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s) };
}

const argv = (command: string, ...rest: string[]) => [...command.split(' '), ...rest];

describe('saksi --help', () => {
  for (const { spec } of COMMANDS) {
    it(`${spec.command} --help exits 0 and lists every flag`, async () => {
      const io = capture();
      expect(await main(argv(spec.command, '--help'), io), io.err.join('\n')).toBe(0);
      const help = io.out.join('\n');
      expect(help).toMatch(new RegExp(`^usage: saksi ${spec.command} `));
      for (const f of spec.flags) expect(help, `--${f.name}`).toContain(`--${f.name}`);
    });

    it(`${spec.command} accepts every flag it lists`, async () => {
      // --help after the flags: each one is parsed (an unknown one exits 2) and
      // nothing runs.
      const flags = spec.flags.flatMap((f) =>
        f.type === 'boolean' ? [`--${f.name}`] : [`--${f.name}`, f.type === 'int' ? '1' : 'x'],
      );
      const io = capture();
      expect(await main(argv(spec.command, ...flags, '--help'), io), io.err.join('\n')).toBe(0);
    });
  }

  it('the list of commands shows every flag of every command (--workers too)', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    const text = io.out.join('\n');
    expect(text).toBe(usage());
    for (const { spec } of COMMANDS) {
      const line = text.split('\n').find((l) => l.startsWith(`  ${spec.command} `));
      expect(line, spec.command).toBeDefined();
      for (const f of spec.flags)
        expect(line, `${spec.command} --${f.name}`).toContain(`--${f.name}`);
    }
    expect(text).toMatch(/serve .*\[--workers N\]/);
  });

  it('saksi help <command> is <command> --help', async () => {
    const a = capture();
    const b = capture();
    expect(await main(['help', 'demo', 'seed'], a)).toBe(0);
    expect(await main(['demo', 'seed', '--help'], b)).toBe(0);
    expect(a.out).toEqual(b.out);
  });

  it('an unknown flag or command exits 2 and says which', async () => {
    const io = capture();
    expect(await main(['serve', '--bogus'], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(/^saksi: unknown flag --bogus\n\nusage: saksi serve /);
    const nope = capture();
    expect(await main(['frobnicate'], nope)).toBe(2);
    expect(nope.err.join('\n')).toMatch(/unknown command "frobnicate"/);
    expect(await main([], capture())).toBe(2);
    expect(await main(['serve', '--port', 'eighty'], capture())).toBe(2);
  });
});

describe('saksi --version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out).toEqual([`saksi ${version}`]);
  });
});

describe('docs/demo.md', () => {
  it('lists the flags of every command as the declarations say (node --import tsx cli/flags-doc.ts)', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toBe(withGeneratedFlags(doc));
    for (const { spec } of COMMANDS) expect(doc).toContain(`### \`saksi ${spec.command}\``);
  });
});
