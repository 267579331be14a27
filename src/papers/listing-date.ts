const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface MonthDay {
  month: number; // 1-12
  day: number;
}

/** Parses a page date such as `Mar 12` or `March 12`. */
export function parseMonthDay(text: string): MonthDay | undefined {
  const match = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1]!.slice(0, 3).toLowerCase()) + 1;
  const day = Number(match[2]);
  if (month === 0 || day < 1 || day > daysInMonth(month, 2024)) return undefined;
  return { month, day };
}

function daysInMonth(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(year: number, { month, day }: MonthDay): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isValidDate(year: number, { month, day }: MonthDay): boolean {
  return day <= daysInMonth(month, year);
}

/**
 * A daily list's date carries no year. Papers reach the list within days of their arXiv submission,
 * so the list date is the first occurrence of that month and day on or after the month of the newest
 * arXiv id it lists (`2502.02732` → Feb 2025). Without any arXiv id, the most recent occurrence that
 * is not after `today` is used.
 */
export function inferListingDate(monthDay: MonthDay, arxivIds: readonly string[], today: Date): string {
  const newest = arxivIds
    .map((id) => /^(\d{2})(\d{2})\./.exec(id))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ year: 2000 + Number(m[1]), month: Number(m[2]) }))
    .sort((a, b) => a.year - b.year || a.month - b.month)
    .at(-1);
  if (newest) {
    for (let year = newest.year; ; year++) {
      const afterNewest = year > newest.year || monthDay.month >= newest.month;
      if (afterNewest && isValidDate(year, monthDay)) return iso(year, monthDay);
    }
  }
  const todayIso = today.toISOString().slice(0, 10);
  for (let year = today.getUTCFullYear(); ; year--) {
    if (isValidDate(year, monthDay) && iso(year, monthDay) <= todayIso) return iso(year, monthDay);
  }
}
