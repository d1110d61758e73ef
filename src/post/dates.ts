/**
 * Dates as written in front matter, validated by hand-checked calendar rules (gray-matter and `Date` roll
 * `2023-02-30` over silently), converted to UTC instants with the configured zone, never the machine's.
 */

/** A parsed front-matter date. */
export interface ParsedDate {
  /** Milliseconds since the epoch, UTC. */
  readonly ms: number;
  /** Whether the text carried its own offset (`Z` or `±hh:mm`); date-only values count as not. */
  readonly hasOffset: boolean;
  /** Whether the text had a time of day. */
  readonly hasTime: boolean;
}

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*([Zz]|[+-]\d{2}:?\d{2})?)?$/;

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** `Jul 08 2022`, `July 8, 2022` (Astro's blog template), `8 July 2022`: English month names, a day, no time. */
const NAMED_MONTH = /^(?:([a-z]{3,9})\.? (\d{1,2}),? (\d{4})|(\d{1,2}) ([a-z]{3,9})\.?,? (\d{4}))$/i;

/**
 * Parse `YYYY-MM-DD`, an RFC 3339 date-time (also with a space before the time and an offset without a colon, as
 * Jekyll writes `2025-01-29 18:15:32 +0530`), or a day with an English month name (`Jul 08 2022`); returns an
 * explanation instead when it is not a real date.
 */
export function parseDate(text: string, timeZone: string): ParsedDate | { problem: string } {
  const m = PATTERN.exec(text.trim()) ?? namedMonth(text.trim());
  if (!m) return { problem: 'expected YYYY-MM-DD or an RFC 3339 date-time such as 2024-05-01T09:30:00+02:00' };
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h ?? 0), minute = Number(mi ?? 0), second = Math.min(Number(s ?? 0), 59);
  if (month < 1 || month > 12) return { problem: `month ${mo} does not exist` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { problem: `day ${d} does not exist in ${y}-${mo} (it has ${days} days)` };
  if (hour > 23 || minute > 59 || Number(s ?? 0) > 60) return { problem: `time ${h}:${mi}${s ? `:${s}` : ''} does not exist` };
  const millis = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const wall = utcWall(year, month, day, hour, minute, second, millis);
  if (off !== undefined) {
    const offset = parseOffset(off);
    if (offset === undefined) return { problem: `offset ${off} is out of range` };
    return { ms: wall - offset, hasOffset: true, hasTime: true };
  }
  return { ms: zonedWallToUtc(wall, timeZone), hasOffset: false, hasTime: h !== undefined };
}

/** A named-month date in the shape of a `PATTERN` match (`YYYY`, `MM`, `DD`), or null. */
function namedMonth(text: string): (string | undefined)[] | null {
  const m = NAMED_MONTH.exec(text);
  if (!m) return null;
  const name = (m[1] ?? m[5] ?? '').toLowerCase();
  const month = MONTH_NAMES.findIndex((n) => name.startsWith(n) && (name.length === 3 || FULL_MONTHS[MONTH_NAMES.indexOf(n)] === name || (n === 'sep' && name === 'sept')));
  if (month < 0) return null;
  return [text, m[3] ?? m[6], String(month + 1).padStart(2, '0'), (m[2] ?? m[4] ?? '').padStart(2, '0')];
}

const FULL_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function parseOffset(off: string): number | undefined {
  if (off === 'Z' || off === 'z') return 0;
  const digits = off.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2)), minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (off.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

// Proleptic Gregorian rules, computed directly: `Date.UTC` maps years 0–99 to 1900–1999.
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** A wall-clock time as if it were UTC, for any four-digit year (`setUTCFullYear` does not remap 0–99). */
function utcWall(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  return d.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// Each post's dates are formatted several times (every feed format, its page, the lists, the sitemap), and
// formatToParts is the costly step: remember each instant's offset (a few entries per post).
const offsets = new Map<string, number>();

/** Offset of `timeZone` from UTC at the instant `ms`, in milliseconds. */
export function zoneOffset(ms: number, timeZone: string): number {
  const key = `${timeZone}\0${ms}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = computeZoneOffset(ms, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

/** Zones always at offset zero (the default is `UTC`): no formatter is made for them, whose first costs ~15 ms. */
const ZERO_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

function computeZoneOffset(ms: number, timeZone: string): number {
  if (ZERO_ZONES.has(timeZone)) return 0;
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = utcWall(parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, 0);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

const DAY = 86_400_000;

/**
 * The UTC instant at which the wall clock in `timeZone` shows `wall` (given as if it were UTC).
 * Around a change of offset this follows RFC 5545 and Temporal's "compatible" rule, the same in every zone:
 * a time that occurs twice (clocks go back) is the earlier instant; a time skipped (clocks go forward) is
 * read with the offset before the change, so it lands after the gap (02:30 becomes 03:30).
 */
export function zonedWallToUtc(wall: number, timeZone: string): number {
  // Real zones change offset at most once within a day, so the offsets a day either side bracket the change.
  const before = zoneOffset(wall - DAY, timeZone);
  const after = zoneOffset(wall + DAY, timeZone);
  const early = wall - before;
  const late = wall - after;
  const earlyFits = zoneOffset(early, timeZone) === before;
  const lateFits = zoneOffset(late, timeZone) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (lateFits) return late;
  return early;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 822 (with a four-digit year, as RFC 1123 and the RSS profile ask), always in UTC: `Tue, 10 Jan 2023 09:00:00 +0000`. */
export function toRfc822(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** RFC 3339 in UTC, without fractional seconds unless they are non-zero: `2023-01-10T09:00:00Z`. */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** A reader-friendly date for pages, in the site's zone: `10 January 2023`. */
export function toDisplayDate(ms: number, timeZone: string, language: string): string {
  // Creating a formatter costs about a millisecond, formatting a microsecond: keep one per zone and language.
  const key = `${timeZone} ${language}`;
  let f = displayFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'long', day: 'numeric' });
    displayFormatters.set(key, f);
  }
  return f.format(ms);
}

/** `YYYY-MM-DD` in the site's zone, for `<time datetime>` and file names. */
export function toIsoDay(ms: number, timeZone: string): string {
  const wall = ms + zoneOffset(ms, timeZone);
  return new Date(wall).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
