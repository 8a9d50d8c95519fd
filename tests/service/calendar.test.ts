import { expect } from 'chai';
import { calendarDateIn, daysUntilBirthday, parseIsoDate, type CalendarDate } from '../../service/birthdays/calendar';

const d = (text: string): CalendarDate => {
  const date = parseIsoDate(text);
  if (!date) throw new Error(`bad fixture ${text}`);
  return date;
};

describe('birthday calendar', () => {
  describe('daysUntilBirthday', () => {
    const cases: { name: string; birth: string; today: string; expected: number }[] = [
      { name: 'birthday today', birth: '1990-03-10', today: '2026-03-10', expected: 0 },
      { name: 'day before', birth: '1990-03-10', today: '2026-03-09', expected: 1 },
      { name: 'day after: a year less a day', birth: '1990-03-10', today: '2026-03-11', expected: 364 },
      { name: 'crossing the new year', birth: '1990-01-01', today: '2026-12-31', expected: 1 },
      { name: 'day after, with a leap day ahead', birth: '1990-03-10', today: '2027-03-11', expected: 365 },
      { name: '29 Feb in a leap year: on the day', birth: '2000-02-29', today: '2028-02-29', expected: 0 },
      { name: '29 Feb in a leap year: the 28th is the day before', birth: '2000-02-29', today: '2028-02-28', expected: 1 },
      { name: '29 Feb in a common year: celebrated on 28 Feb', birth: '2000-02-29', today: '2026-02-28', expected: 0 },
      { name: '29 Feb in a common year: 27 Feb is the day before', birth: '2000-02-29', today: '2026-02-27', expected: 1 },
      { name: '29 Feb in a common year: 1 Mar waits for next 28 Feb', birth: '2000-02-29', today: '2026-03-01', expected: 364 },
      { name: '29 Feb: from 1 Mar of the year before a leap year', birth: '2000-02-29', today: '2027-03-01', expected: 365 },
      { name: '29 Feb: seen from January of a leap year', birth: '2000-02-29', today: '2028-01-31', expected: 29 },
      { name: '28 Feb birthday in a leap year is unaffected', birth: '2001-02-28', today: '2028-02-28', expected: 0 },
      { name: '1 Mar birthday after 28 Feb of a leap year', birth: '2001-03-01', today: '2028-02-28', expected: 2 },
      { name: '1 Mar birthday after 28 Feb of a common year', birth: '2001-03-01', today: '2026-02-28', expected: 1 },
      { name: '31 Dec from 1 Jan', birth: '1999-12-31', today: '2026-01-01', expected: 364 },
    ];
    for (const { name, birth, today, expected } of cases) {
      it(`${name}: ${birth} seen on ${today} is ${expected}`, () => {
        expect(daysUntilBirthday(d(birth), d(today))).to.equal(expected);
      });
    }
  });

  describe('parseIsoDate', () => {
    for (const text of ['2021-02-29', '2020-13-01', '2020-00-10', '2020-1-1', '2020-01-00', '1900-02-29', '99-01-01', '2020-02-30', 'abcd-ef-gh', '2020-01-01 ']) {
      it(`rejects ${JSON.stringify(text)}`, () => expect(parseIsoDate(text)).to.equal(undefined));
    }
    for (const text of ['2020-02-29', '2000-02-29', '1900-01-01', '2026-12-31']) {
      it(`accepts ${text}`, () => expect(parseIsoDate(text)).to.not.equal(undefined));
    }
  });

  describe('calendarDateIn (today in a time zone)', () => {
    const cases: { zone: string; instant: string; expected: CalendarDate }[] = [
      { zone: 'UTC', instant: '2026-03-10T23:59:59Z', expected: { year: 2026, month: 3, day: 10 } },
      { zone: 'UTC', instant: '2026-03-11T00:00:00Z', expected: { year: 2026, month: 3, day: 11 } },
      // Just before UTC midnight it is already tomorrow east of Greenwich...
      { zone: 'Pacific/Kiritimati', instant: '2026-03-10T10:00:00Z', expected: { year: 2026, month: 3, day: 11 } },
      { zone: 'Asia/Tokyo', instant: '2026-12-31T15:00:00Z', expected: { year: 2027, month: 1, day: 1 } },
      { zone: 'Asia/Tokyo', instant: '2026-12-31T14:59:59Z', expected: { year: 2026, month: 12, day: 31 } },
      // ...and still yesterday to the west.
      { zone: 'America/Los_Angeles', instant: '2026-03-11T06:59:59Z', expected: { year: 2026, month: 3, day: 10 } },
      { zone: 'America/Los_Angeles', instant: '2026-03-11T07:00:00Z', expected: { year: 2026, month: 3, day: 11 } },
      { zone: 'Pacific/Pago_Pago', instant: '2027-01-01T10:59:59Z', expected: { year: 2026, month: 12, day: 31 } },
    ];
    for (const { zone, instant, expected } of cases) {
      it(`${instant} is ${expected.year}-${expected.month}-${expected.day} in ${zone}`, () => {
        expect(calendarDateIn(zone)(new Date(instant))).to.deep.equal(expected);
      });
    }
    it('moves a birthday greeting across midnight in the configured zone', () => {
      const tokyo = calendarDateIn('Asia/Tokyo');
      const birth = d('1990-01-01');
      expect(daysUntilBirthday(birth, tokyo(new Date('2026-12-31T14:59:59Z')))).to.equal(1);
      expect(daysUntilBirthday(birth, tokyo(new Date('2026-12-31T15:00:00Z')))).to.equal(0);
    });
  });
});

describe('calendarDateIn caching', () => {
  it('gives the new date right after midnight even when asked a moment before (no stale minute)', () => {
    const paris = calendarDateIn('Europe/Paris');
    expect(paris(new Date('2026-03-10T22:59:59.999Z'))).to.deep.equal({ year: 2026, month: 3, day: 10 });
    expect(paris(new Date('2026-03-10T23:00:00.000Z'))).to.deep.equal({ year: 2026, month: 3, day: 11 });
    expect(paris(new Date('2026-03-10T22:59:30.000Z'))).to.deep.equal({ year: 2026, month: 3, day: 10 });
  });
  it('handles a zone with a 45-minute offset at its midnight', () => {
    const chatham = calendarDateIn('Pacific/Chatham'); // UTC+13:45 in (southern) summer
    expect(chatham(new Date('2026-01-09T10:14:59Z'))).to.deep.equal({ year: 2026, month: 1, day: 9 });
    expect(chatham(new Date('2026-01-09T10:15:00Z'))).to.deep.equal({ year: 2026, month: 1, day: 10 });
  });
});
