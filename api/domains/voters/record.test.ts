// record.ts writes the personal, details and commitment texts in a fixed shape
// (JSON.stringify in RFC 8785 key order) for speed; these must be the bytes the
// verifier's RFC 8785 serializer gives (ledger/verifier/voters/commitment.ts),
// or a self-check could never be proven. Any well-formed text, controls,
// quotes, backslashes, U+2028 and astral characters included; lone surrogates
// refused as RFC 8785 refuses them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../ledger/index.ts';
import { commitmentText, detailsText } from '../../../ledger/verifier/voters/index.ts';
import { commitmentTextOf, detailsTextOf, personalText } from './record.ts';
import type { VoterPersonal } from './schemas.ts';

const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', '\u007f', 'é', '😀', 'a'),
  }),
);
const voter = fc.record({
  nik: text,
  kk: text,
  name: text,
  birthPlace: text,
  birthDate: text,
  sex: text,
  marital: text,
  address: text,
  disability: text,
  ektp: fc.boolean(),
}) as fc.Arbitrary<VoterPersonal>;

describe('the fixed-shape voter texts are the verifier RFC 8785 texts', () => {
  it('byte for byte, for any well-formed fields', () => {
    fc.assert(
      fc.property(
        voter,
        fc.option(text),
        fc.record({ subject: text, seq: fc.integer({ min: 1 }), tps: text, list: text }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (r, formA, v, digest) => {
          expect(personalText(r)).toBe(canonicalize(r));
          const { nik, name, ...rest } = r;
          expect(detailsTextOf(r, formA)).toBe(detailsText({ ...rest, formA }));
          expect(commitmentTextOf({ ...v, nik, name }, digest)).toBe(
            commitmentText({ ...v, nik, name }, digest),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a lone surrogate, as RFC 8785 does', () => {
    const r: VoterPersonal = {
      nik: '3171014101900001',
      kk: '3171010101000001',
      name: 'BUDI',
      birthPlace: 'Jakarta',
      birthDate: '1990-01-01',
      sex: 'L',
      marital: 'S',
      address: 'Jl. \ud800',
      disability: 'none',
      ektp: true,
    };
    expect(() => canonicalize(r)).toThrow();
    expect(() => personalText(r)).toThrow(RangeError);
    expect(() => detailsTextOf(r, null)).toThrow(RangeError);
    expect(() => detailsTextOf({ ...r, address: 'x' }, '\udc00')).toThrow(RangeError);
    const v = { subject: 'voter:a', seq: 1, tps: '1', list: 'DPT', nik: r.nik, name: 'A\udbff' };
    expect(() => commitmentTextOf(v, new Uint8Array(32))).toThrow(RangeError);
  });
});
