import fc from 'fast-check';
import {
  addDays,
  businessDateAt,
  dateOfInstant,
  daysBetween,
  epochDay,
  fromEpochDay,
  isBusinessDate,
  isTimeZone,
} from '../src';

describe('isBusinessDate', () => {
  it.each(['2026-03-01', '2024-02-29', '2000-02-29', '2026-12-31', '2026-01-01', '1970-01-01', '9999-12-31'])(
    'accepts the real day %s',
    (date) => expect(isBusinessDate(date)).toBe(true),
  );
  it.each([
    '2026-02-30',
    '2026-02-29', // 2026 is not a leap year
    '2023-02-29',
    '1900-02-29', // divisible by 100, not by 400
    '2100-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-32',
    '2026-1-01',
    '26-01-01',
    '2026/01/01',
    ' 2026-01-01',
    '2026-01-01 ',
    '2026-01-01T00:00:00Z',
    '',
  ])('rejects %j', (date) => expect(isBusinessDate(date)).toBe(false));
  it.each([20260101, null, undefined, new Date('2026-01-01'), ['2026-01-01']])(
    'rejects the non-string %p',
    (v) => expect(isBusinessDate(v)).toBe(false),
  );
});

describe('epochDay / fromEpochDay / addDays / daysBetween', () => {
  it.each([
    ['1970-01-01', 0],
    ['1970-01-02', 1],
    ['1969-12-31', -1],
    ['2000-01-01', 10957], // 30 years, 7 of them leap
    ['2026-01-01', 20454], // 56 years, 14 of them leap
  ])('%s is day %i', (date, day) => {
    expect(epochDay(date)).toBe(day);
    expect(fromEpochDay(day)).toBe(date);
  });

  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 1, '2026-03-29'], // the night the clocks go forward in Rome
    ['2026-03-29', 1, '2026-03-30'],
    ['2026-10-25', 1, '2026-10-26'], // and back
    ['2026-03-31', 15, '2026-04-15'],
    ['2026-03-05', 365, '2027-03-05'],
    ['2026-03-01', 0, '2026-03-01'],
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-01-01', '2026-12-31', 364],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-02-28', '2026-03-01', 1],
    ['2024-02-28', '2024-03-01', 2],
    ['2026-03-10', '2026-02-28', -10],
    ['2026-03-10', '2026-03-10', 0],
  ])('from %s to %s is %i days', (earlier, later, days) => {
    expect(daysBetween(earlier, later)).toBe(days);
  });

  it('round-trips for any date and any offset', () => {
    const day = fc.integer({ min: epochDay('1900-01-01'), max: epochDay('2199-12-31') });
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        const date = fromEpochDay(d);
        expect(isBusinessDate(date)).toBe(true);
        expect(epochDay(date)).toBe(d);
        const moved = addDays(date, n);
        expect(isBusinessDate(moved)).toBe(true);
        expect(daysBetween(date, moved)).toBe(n);
        expect(addDays(moved, -n)).toBe(date);
        // lexicographic order of business dates is chronological order
        expect(Math.sign(moved.localeCompare(date))).toBe(Math.sign(n));
      }),
      { numRuns: 300 },
    );
  });
});

describe('businessDateAt (the company day of an instant)', () => {
  const rome = (iso: string) => businessDateAt(new Date(iso), 'Europe/Rome');

  it.each([
    // winter, CET = UTC+1
    ['2026-01-15T22:59:59Z', '2026-01-15'],
    ['2026-01-15T23:00:00Z', '2026-01-16'],
    ['2026-01-16T00:00:00Z', '2026-01-16'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    // summer, CEST = UTC+2: at midnight UTC Rome is already on the next day
    ['2026-06-30T21:59:59Z', '2026-06-30'],
    ['2026-06-30T22:00:00Z', '2026-07-01'],
    ['2026-06-30T23:59:59Z', '2026-07-01'],
    ['2026-07-01T00:00:00Z', '2026-07-01'],
    // clocks go forward on 2026-03-29 at 01:00 UTC
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-03-29T21:59:59Z', '2026-03-29'],
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    // clocks go back on 2026-10-25 at 01:00 UTC
    ['2026-10-24T21:59:59Z', '2026-10-24'],
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T22:59:59Z', '2026-10-25'],
    ['2026-10-25T23:00:00Z', '2026-10-26'],
    // an instant written with an offset
    ['2026-03-01T23:30:00-05:00', '2026-03-02'],
  ])('%s is %s in Rome', (instant, date) => {
    expect(rome(instant)).toBe(date);
  });

  it('depends on the zone', () => {
    const instant = new Date('2026-01-16T03:00:00Z');
    expect(businessDateAt(instant, 'UTC')).toBe('2026-01-16');
    expect(businessDateAt(instant, 'America/New_York')).toBe('2026-01-15');
    expect(businessDateAt(instant, 'Asia/Tokyo')).toBe('2026-01-16');
    expect(businessDateAt(new Date('2026-01-16T15:00:00Z'), 'Asia/Tokyo')).toBe('2026-01-17');
    // the cached formatter of one zone is not reused for another
    expect(businessDateAt(instant, 'Europe/Rome')).toBe('2026-01-16');
    expect(businessDateAt(instant, 'America/New_York')).toBe('2026-01-15');
  });

  it('always yields a business date', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1971-01-01'), max: new Date('2199-01-01'), noInvalidDate: true }),
        (d) => {
          const date = businessDateAt(d, 'Europe/Rome');
          expect(isBusinessDate(date)).toBe(true);
          expect(Math.abs(daysBetween(d.toISOString().slice(0, 10), date))).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('isTimeZone / dateOfInstant', () => {
  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Rome')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
  it('takes the date as written by the producer', () => {
    expect(dateOfInstant('2026-03-01T23:30:00-05:00')).toBe('2026-03-01');
    expect(dateOfInstant('2026-03-01T10:15:00+01:00')).toBe('2026-03-01');
  });
});
