/**
 * The voter CSV line (docs/voters.md "CSV format"), strict: RFC 4180 fields on
 * one line — a field is bare (no `"`, `,`) or quoted with `""` for a quote; no
 * line breaks inside fields, so a file streams line by line in flat memory.
 */
export const VOTER_CSV_HEADER = [
  'nik',
  'kk',
  'name',
  'birth_place',
  'birth_date',
  'sex',
  'marital',
  'address',
  'disability',
  'ektp',
  'tps',
  'list',
] as const;

/** The fields of one line, or what is wrong with it. */
export function csvFields(line: string): string[] | { problem: string } {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { problem: `unterminated quoted field ${out.length + 1}` };
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(field);
    } else {
      const c = line.indexOf(',', i);
      const field = c < 0 ? line.slice(i) : line.slice(i, c);
      if (field.includes('"'))
        return { problem: `field ${out.length + 1} has a quote but is not quoted` };
      out.push(field);
      i = c < 0 ? n : c;
    }
    if (i >= n) return out;
    if (line[i] !== ',') return { problem: `field ${out.length} has text after its closing quote` };
    i++;
    if (i === n) {
      out.push('');
      return out;
    }
  }
}
