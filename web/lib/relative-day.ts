const dayMs = 24 * 60 * 60 * 1000;

/** Midnight of the day `date` falls on in the reader's time zone, in days since the epoch. */
function localDay(date: Date): number {
  return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / dayMs);
}

/**
 * The day of `date` as a list shows it, in the reader's locale: "today", "yesterday", the day and month within this
 * year ("3 Dec"), and with the year before it.
 */
export function relativeDay(date: Date, now: Date = new Date()): string {
  const daysAgo = localDay(now) - localDay(date);
  if (daysAgo === 0) return "today";
  if (daysAgo === 1) return "yesterday";
  const options: Intl.DateTimeFormatOptions =
    date.getFullYear() === now.getFullYear()
      ? { day: "numeric", month: "short" }
      : { day: "numeric", month: "short", year: "numeric" };
  return date.toLocaleDateString(undefined, options);
}
