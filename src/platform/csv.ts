/**
 * CSV as French spreadsheet programs open it without a wizard: semicolon-separated, CRLF, with a
 * byte-order mark (so that « é » is read as UTF-8). A cell starting with = + - @ is prefixed with
 * a quote: spreadsheet programs would run it as a formula (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[";\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvCell).join(';'));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
