// RFC 4180 CSV as the registry imports read it: strict, line-numbered errors.
import { describe, expect, it } from 'vitest';
import { expectColumns, parseCsv, parseDecimal } from './csv.ts';

describe('parseCsv (RFC 4180, strict)', () => {
  it('reads LF and CRLF records, a BOM, quoted commas, quotes and line breaks', () => {
    const r = parseCsv(
      '\ufeffcode,name\r\n31,"DKI ""Jakarta"""\n3171,"Jakarta, Pusat"\n3172,"two\nlines"\n',
    );
    expect(r.issues).toEqual([]);
    expect(r.header).toEqual(['code', 'name']);
    expect(r.records).toEqual([
      { line: 2, fields: ['31', 'DKI "Jakarta"'] },
      { line: 3, fields: ['3171', 'Jakarta, Pusat'] },
      { line: 4, fields: ['3172', 'two\nlines'] },
    ]);
  });

  it('counts lines inside quoted fields when numbering later records', () => {
    const r = parseCsv('a,b\n"x\n\ny",1\nz,2');
    expect(r.records.map((x) => x.line)).toEqual([2, 5]);
  });

  it('tolerates trailing blank lines but not blank lines inside', () => {
    expect(parseCsv('a\n1\n\n\n').issues).toEqual([]);
    expect(parseCsv('a\n1\n\n2\n').issues).toEqual([{ line: 3, message: 'blank line' }]);
  });

  it.each([
    ['a,b\n"x,1\n', 2, 'unterminated quoted field'],
    ['a,b\n"x"y,1\n', 2, 'text after a closing quote'],
    ['a,b\nx"y,1\n', 2, 'a quote inside an unquoted field'],
    ['a,b\n1,2\nx\ry,1\n', 3, 'a bare carriage return'],
  ])('refuses %j at line %i: %s', (text, line, message) => {
    expect(parseCsv(text).issues).toEqual([{ line, message }]);
  });

  it('refuses an empty file', () => {
    expect(parseCsv('').issues).toEqual([{ line: 1, message: 'the file is empty' }]);
  });

  it('checks the header exactly and every record’s field count', () => {
    const bad = parseCsv('code;name\n1;2\n');
    expect(expectColumns(bad, [['code', 'name']])).toBeNull();
    expect(bad.issues[0]!.line).toBe(1);
    const short = parseCsv('code,name\n11,Aceh\n12\n13,a,b\n');
    expect(expectColumns(short, [['code', 'name']])).toEqual(['code', 'name']);
    expect(short.issues.map((i) => i.line)).toEqual([3, 4]);
  });

  it('parses plain decimals only', () => {
    expect(parseDecimal('0')).toBe(0);
    expect(parseDecimal('300')).toBe(300);
    for (const s of ['', '-1', '+1', '01', '1.0', '1e2', ' 1', '0x10', '１'])
      expect(parseDecimal(s)).toBeNull();
  });
});
