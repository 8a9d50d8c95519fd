/** A date on the calendar, with no time of day and no time zone. */
export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Parses strict `YYYY-MM-DD` naming a real date; anything else gives undefined. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * Returns a function giving the calendar date at an instant in `timeZone`.
 * The formatter is built once, and the answer is reused within the same UTC minute: every
 * current zone's offset is a whole number of minutes, so a date never changes mid-minute.
 */
export function calendarDateIn(timeZone: string): (now: Date) => CalendarDate {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  });
  let cachedMinute = NaN;
  let cachedDate: CalendarDate = { year: NaN, month: NaN, day: NaN };
  return (now) => {
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute !== cachedMinute) {
      const parts: Record<string, number> = {};
      for (const part of formatter.formatToParts(now)) parts[part.type] = Number(part.value);
      cachedDate = Object.freeze({ year: parts.year ?? NaN, month: parts.month ?? NaN, day: parts.day ?? NaN });
      cachedMinute = minute;
    }
    return cachedDate;
  };
}

/** The birthday as celebrated in `year`: 29 February falls back to 28 February in common years. */
export function birthdayInYear(birth: CalendarDate, year: number): CalendarDate {
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(year)) return { year, month: 2, day: 28 };
  return { year, month: birth.month, day: birth.day };
}

/** Whole days from `today` to the next birthday: 0 on the birthday itself, 1 on the day before. */
export function daysUntilBirthday(birth: CalendarDate, today: CalendarDate): number {
  let next = birthdayInYear(birth, today.year);
  if (compareDates(next, today) < 0) next = birthdayInYear(birth, today.year + 1);
  return Math.round((toUtcMs(next) - toUtcMs(today)) / MS_PER_DAY);
}

function toUtcMs({ year, month, day }: CalendarDate): number {
  return Date.UTC(year, month - 1, day);
}
