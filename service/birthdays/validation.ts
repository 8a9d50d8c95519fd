import { AppError } from '../errors';
import { compareDates, parseIsoDate, type CalendarDate } from './calendar';

const MAX_USERNAME_LENGTH = 64;
// Letters of any script; combining marks only after a letter (so "é" spelled e + U+0301 is fine).
const USERNAME = /^(?:\p{L}\p{M}*)+$/u;
const EARLIEST_BIRTH: CalendarDate = { year: 1900, month: 1, day: 1 };

/** The username in NFC form, or a 400 naming the rule it breaks. */
export function parseUsername(raw: string): string {
  const username = raw.normalize('NFC');
  const length = [...username].length;
  if (length < 1 || length > MAX_USERNAME_LENGTH) {
    throw new AppError(400, `username must be 1 to ${MAX_USERNAME_LENGTH} letters`);
  }
  if (!USERNAME.test(username)) {
    throw new AppError(400, 'username must contain only letters');
  }
  return username;
}

/** Checks a PUT body and returns its date of birth, which must fall on or after 1900-01-01 and before `today`. */
export function parseBirthdayBody(body: unknown, today: CalendarDate): CalendarDate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(400, 'request body must be a JSON object');
  }
  const { dateOfBirth } = body as { dateOfBirth?: unknown };
  if (dateOfBirth === undefined) throw new AppError(400, 'dateOfBirth is required');
  if (typeof dateOfBirth !== 'string') throw new AppError(400, 'dateOfBirth must be a string in YYYY-MM-DD form');
  const date = parseIsoDate(dateOfBirth);
  if (!date) throw new AppError(400, 'dateOfBirth must be a real date in YYYY-MM-DD form');
  if (compareDates(date, EARLIEST_BIRTH) < 0) throw new AppError(400, 'dateOfBirth must not be before 1900-01-01');
  if (compareDates(date, today) >= 0) throw new AppError(400, 'dateOfBirth must be before today');
  return date;
}
