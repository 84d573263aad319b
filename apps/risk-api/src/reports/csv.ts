/**
 * CSV of RFC 4180: fields separated by commas, records by CRLF; a field that
 * holds a comma, a double quote, CR or LF is enclosed in double quotes, with
 * its double quotes doubled.
 *
 * Formula injection: a spreadsheet runs a cell that starts with = + - @ (or a
 * tab / CR) as a formula. Text cells that start so get a leading single quote
 * (OWASP's advice). Numbers and money are written as they are: `-12.00` is a
 * number, and quoting it would turn it into text.
 */

/** A cell: text (protected against formulas), or a number / money string / boolean written as is. */
export type CsvCell =
  { text: string | null } | { number: string | number | null } | { boolean: boolean | null };

export const text = (value: string | null): CsvCell => ({ text: value });
export const numeric = (value: string | number | null): CsvCell => ({ number: value });
export const bool = (value: boolean | null): CsvCell => ({ boolean: value });

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
/** What a numeric cell may hold: an integer or a decimal, optionally negative. */
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

/** A text value made safe for spreadsheets: `=SUM(A1)` → `'=SUM(A1)`. */
export function defuseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One field, quoted when RFC 4180 requires it. */
export function quoteField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvField(cell: CsvCell): string {
  if ('text' in cell) return cell.text === null ? '' : quoteField(defuseFormula(cell.text));
  if ('boolean' in cell) return cell.boolean === null ? '' : String(cell.boolean);
  if (cell.number === null) return '';
  const value = String(cell.number);
  // Defence in depth: a "number" that is not one is treated as text.
  return NUMBER.test(value) ? value : quoteField(defuseFormula(value));
}

/** One record, CRLF-terminated. */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** The header record (names are text cells too). */
export function csvHeader(names: readonly string[]): string {
  return csvRecord(names.map(text));
}
