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

/** Parse `YYYY-MM-DD` or an RFC 3339 date-time; returns an explanation instead when it is not a real date. */
export function parseDate(text: string, timeZone: string): ParsedDate | { problem: string } {
  const m = PATTERN.exec(text.trim());
  if (!m) return { problem: 'expected YYYY-MM-DD or an RFC 3339 date-time such as 2024-05-01T09:30:00+02:00' };
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h ?? 0), minute = Number(mi ?? 0), second = Math.min(Number(s ?? 0), 59);
  if (month < 1 || month > 12) return { problem: `month ${mo} does not exist` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { problem: `day ${d} does not exist in ${year}-${mo} (it has ${days} days)` };
  if (hour > 23 || minute > 59 || Number(s ?? 0) > 60) return { problem: `time ${h}:${mi}${s ? `:${s}` : ''} does not exist` };
  const millis = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (off !== undefined) {
    const offset = parseOffset(off);
    if (offset === undefined) return { problem: `offset ${off} is out of range` };
    return { ms: wall - offset, hasOffset: true, hasTime: true };
  }
  return { ms: zonedWallToUtc(wall, timeZone), hasOffset: false, hasTime: h !== undefined };
}

function parseOffset(off: string): number | undefined {
  if (off === 'Z' || off === 'z') return 0;
  const digits = off.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2)), minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (off.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC at the instant `ms`, in milliseconds. */
function zoneOffset(ms: number, timeZone: string): number {
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
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The UTC instant at which the wall clock in `timeZone` shows `wall` (given as if it were UTC). */
export function zonedWallToUtc(wall: number, timeZone: string): number {
  const first = wall - zoneOffset(wall, timeZone);
  const second = wall - zoneOffset(first, timeZone);
  return second;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 822 (with a four-digit year, as RFC 1123 and the RSS profile ask), always in UTC: `Tue, 10 Jan 2023 09:00:00 +0000`. */
export function toRfc822(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** RFC 3339 in UTC, without fractional seconds unless they are non-zero: `2023-01-10T09:00:00Z`. */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A reader-friendly date for pages, in the site's zone: `10 January 2023`. */
export function toDisplayDate(ms: number, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'long', day: 'numeric' }).format(ms);
}

/** `YYYY-MM-DD` in the site's zone, for `<time datetime>` and file names. */
export function toIsoDay(ms: number, timeZone: string): string {
  const wall = ms + zoneOffset(ms, timeZone);
  return new Date(wall).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
