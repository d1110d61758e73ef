import { describe, expect, it } from 'vitest';
import { parseDate, toDisplayDate, toIsoDay, toRfc3339, toRfc822, zonedWallToUtc } from '../../src/post/dates.js';

const at = (text: string, zone = 'UTC'): string => {
  const parsed = parseDate(text, zone);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return new Date(parsed.ms).toISOString();
};
const problem = (text: string): string | undefined => {
  const parsed = parseDate(text, 'UTC');
  return 'problem' in parsed ? parsed.problem : undefined;
};

describe('parseDate: real calendar', () => {
  it('rejects dates that do not exist, instead of rolling them over', () => {
    expect(problem('2024-13-45')).toBe('month 13 does not exist');
    expect(problem('2024-00-10')).toBe('month 00 does not exist');
    expect(problem('2023-02-30')).toBe('day 30 does not exist in 2023-02 (it has 28 days)');
    expect(problem('2023-02-29')).toBe('day 29 does not exist in 2023-02 (it has 28 days)');
    expect(problem('2024-04-31')).toBe('day 31 does not exist in 2024-04 (it has 30 days)');
    expect(problem('2024-01-00')).toBe('day 00 does not exist in 2024-01 (it has 31 days)');
    expect(problem('2024-01-01T24:00:00Z')).toMatch(/^time 24:00:00 does not exist/);
    expect(problem('2024-01-01T12:60Z')).toMatch(/^time 12:60 does not exist/);
    expect(problem('2024-01-01T12:00:00+24:00')).toBe('offset +24:00 is out of range');
  });

  it('knows leap years: every 4th, not every 100th, but every 400th', () => {
    expect(at('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(at('2000-02-29')).toBe('2000-02-29T00:00:00.000Z');
    expect(problem('1900-02-29')).toBe('day 29 does not exist in 1900-02 (it has 28 days)');
    expect(problem('2100-02-29')).toBe('day 29 does not exist in 2100-02 (it has 28 days)');
    // years below 100 are not read as 19xx (Date.UTC would turn 0004 into 1904)
    expect(at('0004-02-29')).toBe('0004-02-29T00:00:00.000Z');
    expect(problem('0100-02-29')).toBe('day 29 does not exist in 0100-02 (it has 28 days)');
  });

  it('rejects what is not a date at all', () => {
    for (const text of ['', 'yesterday', '2024-1-2', '24-01-02', '2024/01/02', '2024-01-02T9:00', '2024-01-02T09:00:00+1']) {
      expect(problem(text), text).toMatch(/^expected YYYY-MM-DD or an RFC 3339 date-time/);
    }
  });

  it('reads RFC 3339 offsets, fractions and lower-case separators', () => {
    expect(at('2024-05-01T09:30:00+02:00')).toBe('2024-05-01T07:30:00.000Z');
    expect(at('2024-05-01T09:30:00-05:30')).toBe('2024-05-01T15:00:00.000Z');
    expect(at('2024-05-01t09:30:00z')).toBe('2024-05-01T09:30:00.000Z');
    expect(at('2024-05-01T09:30:00.125Z')).toBe('2024-05-01T09:30:00.125Z');
    expect(at('2024-05-01T09:30Z')).toBe('2024-05-01T09:30:00.000Z');
    expect(at('2016-12-31T23:59:60Z')).toBe('2016-12-31T23:59:59.000Z'); // a leap second is kept in its minute
    const withOffset = parseDate('2024-05-01T09:30:00+02:00', 'Asia/Tokyo');
    expect(withOffset).toEqual({ ms: Date.UTC(2024, 4, 1, 7, 30), hasOffset: true, hasTime: true });
  });
});

describe('parseDate: dates without an offset use the configured zone, never the machine\'s', () => {
  it('reads date-only and date-time values as wall time in the zone', () => {
    // the test runner's machine zone is Australia/Adelaide; none of these may use it
    expect(at('2024-02-29', 'America/New_York')).toBe('2024-02-29T05:00:00.000Z'); // EST
    expect(at('2024-07-04T09:15:00', 'America/New_York')).toBe('2024-07-04T13:15:00.000Z'); // EDT
    expect(at('2024-01-01', 'Asia/Kolkata')).toBe('2023-12-31T18:30:00.000Z');
    expect(at('2024-01-01', 'UTC')).toBe('2024-01-01T00:00:00.000Z');
    expect(at('2024-01-01 12:00', 'Europe/Paris')).toBe('2024-01-01T11:00:00.000Z');
    expect(parseDate('2024-01-01', 'UTC')).toEqual({ ms: Date.UTC(2024, 0, 1), hasOffset: false, hasTime: false });
    expect(parseDate('2024-01-01T10:00', 'UTC')).toEqual({ ms: Date.UTC(2024, 0, 1, 10), hasOffset: false, hasTime: true });
  });

  it('moves a time skipped by a DST change forward by the gap, in every hemisphere', () => {
    // New York: 02:00 EST jumps to 03:00 EDT on 2024-03-10; 02:30 reads as 03:30 EDT
    expect(at('2024-03-10T02:30:00', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
    expect(at('2024-03-10T01:59:59', 'America/New_York')).toBe('2024-03-10T06:59:59.000Z');
    expect(at('2024-03-10T03:00:00', 'America/New_York')).toBe('2024-03-10T07:00:00.000Z');
    // Adelaide: 02:00 ACST jumps to 03:00 ACDT on 2024-10-06; 02:30 reads as 03:30 ACDT
    expect(at('2024-10-06T02:30:00', 'Australia/Adelaide')).toBe('2024-10-05T17:00:00.000Z');
    // Lord Howe moves by only 30 minutes
    expect(at('2024-10-06T02:15:00', 'Australia/Lord_Howe')).toBe('2024-10-05T15:45:00.000Z'); // 02:45 +11:00
    // Samoa skipped 2011-12-30 entirely
    expect(at('2011-12-30T12:00:00', 'Pacific/Apia')).toBe('2011-12-30T22:00:00.000Z');
  });

  it('reads a time that occurs twice (clocks go back) as the earlier instant', () => {
    expect(at('2024-11-03T01:30:00', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z'); // EDT, not EST
    expect(at('2024-04-07T02:30:00', 'Australia/Adelaide')).toBe('2024-04-06T16:00:00.000Z'); // ACDT, not ACST
    expect(at('2024-10-27T02:30:00', 'Europe/Berlin')).toBe('2024-10-27T00:30:00.000Z'); // CEST, not CET
  });

  it('zonedWallToUtc round-trips every hour around DST changes, north and south', () => {
    for (const zone of ['Europe/London', 'America/Santiago', 'Australia/Adelaide']) {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
      });
      // every hour of the months in which these zones change offset (March/April, September/October)
      const hours = [2, 8].flatMap((month) => Array.from({ length: 61 * 24 }, (_, h) => Date.UTC(2024, month, 1) + h * 3_600_000));
      for (const ms of hours) {
        const p: Record<string, number> = {};
        for (const part of format.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
        const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
        const back = zonedWallToUtc(wall, zone);
        // the same instant, except the second of two identical wall times, which reads as the first
        if (back !== ms) expect(back, `${zone} ${new Date(ms).toISOString()}`).toBe(ms - 3_600_000);
      }
    }
  });
});

describe('formatting', () => {
  it('writes RFC 822 dates with a four-digit year, in UTC', () => {
    expect(toRfc822(Date.UTC(2023, 0, 10, 9))).toBe('Tue, 10 Jan 2023 09:00:00 +0000');
    expect(toRfc822(Date.UTC(2024, 1, 29, 5, 4, 3))).toBe('Thu, 29 Feb 2024 05:04:03 +0000');
    expect(toRfc822(Date.UTC(1999, 11, 31, 23, 59, 59))).toBe('Fri, 31 Dec 1999 23:59:59 +0000');
    const y50 = parseDate('0050-03-01', 'UTC');
    expect('ms' in y50 && toRfc822(y50.ms)).toBe('Tue, 01 Mar 0050 00:00:00 +0000');
  });

  it('writes RFC 3339 in UTC, with fractions only when there are some', () => {
    expect(toRfc3339(Date.UTC(2023, 0, 10, 9))).toBe('2023-01-10T09:00:00Z');
    expect(toRfc3339(Date.UTC(2023, 0, 10, 9, 0, 0, 250))).toBe('2023-01-10T09:00:00.250Z');
  });

  it('shows days in the site\'s zone and language', () => {
    const ms = Date.UTC(2024, 0, 1, 4, 30); // 2023-12-31 23:30 in New York
    expect(toIsoDay(ms, 'America/New_York')).toBe('2023-12-31');
    expect(toIsoDay(ms, 'UTC')).toBe('2024-01-01');
    expect(toDisplayDate(ms, 'America/New_York', 'en-GB')).toBe('31 December 2023');
    expect(toDisplayDate(ms, 'UTC', 'de')).toBe('1. Januar 2024');
  });
});
