/**
 * The flags of `saksi verify` and `saksi results verify` for the list of
 * commands. Those two commands parse their own flags (./verify.ts,
 * ./results-verify.ts, kept by the log and results verifier owners); these
 * declarations say the same, and cli/main.test.ts checks that each command's
 * own --help lists every flag declared here and accepts each of them.
 * Once those files parse with parseCommand(VERIFY…), this file goes.
 */
import type { CommandSpec } from '../args.ts';

export const VERIFY: CommandSpec = {
  command: 'verify',
  summary: 'verify a log from its tiles and its signed checkpoint; with --state, that it only grew',
  flags: [
    {
      name: 'log',
      type: 'string',
      value: 'URL/log',
      required: true,
      description: "the log's C2SP tlog-tiles prefix, e.g. https://saksi.example/log",
    },
    {
      name: 'key',
      type: 'string',
      value: 'VKEY',
      description: "the log's signed-note verifier key (default: pinned in --state, else fetched)",
    },
    {
      name: 'state',
      type: 'string',
      value: 'FILE',
      description: 'the last verified checkpoint; replaced when verification passes',
    },
    {
      name: 'witness',
      type: 'string',
      value: 'VKEY',
      repeatable: true,
      description:
        "a witness's cosignature/v1 verifier key; the checkpoint must carry its\ncosignature (docs/witness.md)",
    },
    {
      name: 'quorum',
      type: 'int',
      value: 'K',
      description: 'how many of the --witness keys must have cosigned (default: all of them)',
    },
  ],
};

export const RESULTS_VERIFY: CommandSpec = {
  command: 'results verify',
  summary:
    "prove a TPS's signed numbers are in every total up to the nation and that every sum holds",
  flags: [
    { name: 'url', type: 'string', value: 'URL', required: true, description: 'the Saksi API' },
    {
      name: 'contest',
      type: 'string',
      value: 'C',
      required: true,
      description: 'PPWP, DPR, DPD, DPRD_PROV or DPRD_KABKOTA',
    },
    {
      name: 'tps',
      type: 'string',
      value: 'CODE',
      required: true,
      description: '13-digit TPS code',
    },
    {
      name: 'key',
      type: 'string',
      value: 'VKEY',
      description: "the log's verifier key (default: fetched, trusted on first use)",
    },
    {
      name: 'witness',
      type: 'string',
      value: 'VKEY',
      repeatable: true,
      description:
        "a witness's cosignature/v1 verifier key; the proof's tree must be in a\ncheckpoint it cosigned (docs/witness.md)",
    },
    {
      name: 'quorum',
      type: 'int',
      value: 'K',
      description: 'how many of the --witness keys must have cosigned (default: all of them)',
    },
  ],
};
