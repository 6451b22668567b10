/**
 * A strict RFC 4180 CSV reader for registry imports. Files come from officers'
 * spreadsheets (untrusted): every record must have exactly the header's fields;
 * quoted fields may hold commas, quotes ("") and line breaks; LF or CRLF line
 * ends; an optional UTF-8 byte-order mark; blank lines only at the end. Errors
 * name the 1-based line where the record starts.
 */
import type { RegistryIssue } from './schemas.ts';

export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvResult {
  header: string[];
  records: CsvRecord[];
  issues: RegistryIssue[];
}

/** Most issues reported for one file: beyond this the file is clearly not what it claims. */
export const MAX_ISSUES = 100;

export function parseCsv(text: string): CsvResult {
  const issues: RegistryIssue[] = [];
  const rows: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let bad: string | null = null;
    for (;;) {
      if (text[i] === '"') {
        // Quoted field: runs to the closing quote; "" is one quote.
        i++;
        for (;;) {
          if (i >= n) {
            bad ??= 'unterminated quoted field';
            break;
          }
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (
          i < n &&
          text[i] !== ',' &&
          text[i] !== '\n' &&
          !(text[i] === '\r' && text[i + 1] === '\n')
        )
          bad ??= 'text after a closing quote';
        // Skip to the field's end so one error does not cascade.
        while (i < n && text[i] !== ',' && text[i] !== '\n') i++;
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n') {
          if (text[i] === '"') bad ??= 'a quote inside an unquoted field';
          if (text[i] === '\r' && text[i + 1] !== '\n') bad ??= 'a bare carriage return';
          if (!(text[i] === '\r' && text[i + 1] === '\n')) field += text[i];
          i++;
        }
      }
      fields.push(field);
      field = '';
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      // text[i] === '\n'
      i++;
      line++;
      break;
    }
    if (bad) issues.push({ line: start, message: bad });
    rows.push({ line: start, fields });
    if (issues.length >= MAX_ISSUES) break;
  }
  // Trailing blank lines are tolerated; blank lines elsewhere are not.
  while (rows.length > 0 && isBlank(rows[rows.length - 1]!)) rows.pop();
  const [head, ...records] = rows;
  if (!head)
    return { header: [], records: [], issues: [{ line: 1, message: 'the file is empty' }] };
  for (const r of records) if (isBlank(r)) issues.push({ line: r.line, message: 'blank line' });
  return { header: head.fields, records: records.filter((r) => !isBlank(r)), issues };
}

function isBlank(r: CsvRecord): boolean {
  return r.fields.length === 1 && r.fields[0] === '';
}

/**
 * Checks the header against the accepted column lists (exact names and order)
 * and every record's field count; returns the columns in force.
 */
export function expectColumns(
  csv: CsvResult,
  accepted: readonly (readonly string[])[],
): readonly string[] | null {
  const got = csv.header.join(',');
  const cols = accepted.find((a) => a.join(',') === got);
  if (!cols) {
    csv.issues.push({
      line: 1,
      message: `header must be ${accepted.map((a) => JSON.stringify(a.join(','))).join(' or ')}, not ${JSON.stringify(got)}`,
    });
    return null;
  }
  for (const r of csv.records)
    if (r.fields.length !== cols.length)
      csv.issues.push({
        line: r.line,
        message: `${r.fields.length} fields where the header has ${cols.length}`,
      });
  return cols;
}

/** A plain decimal: no sign, no leading zeros, no spaces. */
export function parseDecimal(s: string): number | null {
  return /^(0|[1-9][0-9]{0,8})$/.test(s) ? Number(s) : null;
}
