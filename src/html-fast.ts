/**
 * A fast path for `finishHtml` (html.ts) that gives byte for byte what sanitize-html gives, for the HTML
 * marked writes. sanitize-html parses every post with htmlparser2 and costs more than rendering the Markdown;
 * marked's own output is a small, regular language, so one scan can absolutize its URLs and re-serialize it
 * the way sanitize-html does (entities decoded and re-escaped, `<br />`, boolean attributes, dropped comments).
 *
 * Anything outside that language (raw HTML other than comments, entities an author typed, an unknown tag or
 * attribute, nesting htmlparser2 would repair) returns `undefined`, and the caller runs sanitize-html as before.
 * tests/html-fast.test.ts checks the two agree on generated and real posts; when the sanitize options in html.ts
 * change, this list must change with them.
 */

/** Tags marked emits, with the attributes it puts on them. All are allowed by both option sets in html.ts. */
const TAGS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'li', 'blockquote', 'pre', 'em', 'strong', 'del', 'br', 'hr',
    'table', 'thead', 'tbody', 'tr'].map((t): [string, ReadonlySet<string>] => [t, new Set<string>()]),
  ['a', new Set(['href', 'title'])],
  ['img', new Set(['src', 'alt', 'title'])],
  ['code', new Set(['class'])],
  ['ol', new Set(['start'])],
  ['th', new Set(['align'])],
  ['td', new Set(['align'])],
  ['input', new Set(['checked', 'disabled', 'type'])],
]);

/** htmlparser2's void elements among TAGS: never pushed, written with ` />` by sanitize-html. */
const VOID = new Set(['br', 'hr', 'img', 'input']);

const P_ONLY = new Set(['p']);
/** htmlparser2's `openImpliesClose` for TAGS: opening the key closes an open element in the set. */
const IMPLIES_CLOSE: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['tr', new Set(['tr', 'th', 'td'])], ['th', new Set(['th'])], ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])], ['tbody', new Set(['thead', 'tbody'])],
  ['input', new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'])],
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'hr', 'ol', 'pre', 'table', 'ul']
    .map((t): [string, ReadonlySet<string>] => [t, P_ONLY]),
]);

/** sanitize-html's `nonBooleanAttributes` among the attributes above: dropped when empty (except `alt`). */
const NON_BOOLEAN = new Set(['href', 'title', 'src', 'class', 'start', 'type', 'alt']);
/** sanitize-html's `allowedSchemesAppliedToAttributes`. */
const SCHEME_CHECKED = new Set(['href', 'src', 'cite']);
/** html.ts' URL_ATTRIBUTES among the attributes above. */
const URL_ATTRIBUTES = new Set(['href', 'src']);

/** The entities marked writes; any other `&` sends the post to sanitize-html. */
const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const ENTITY = /&(?:amp|lt|gt|quot|#39);/g;
const AMPERSAND = /&/g;

const OPEN_TAG = /<([a-z][a-z0-9]*)((?: [a-z]+(?:="[^"<>]*")?)*)>/y;
const ATTRIBUTE = / ([a-z]+)(?:="([^"]*)")?/g;
const CLOSE_TAG = /<\/([a-z][a-z0-9]*)>/y;
const COMMENT = /<!--(?!-?>)((?:(?!--)[^])*?)-->/y;

/** Schemes each option set allows (html.ts SAFE_OPTIONS / RAW_OPTIONS), per tag where they differ. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
const SAFE_IMG_SCHEMES = new Set(['http', 'https', 'data']);
const RAW_SCHEMES = new Set(['http', 'https', 'mailto', 'tel', 'data', 'javascript', 'ftp']);

/** Pixel sizes of known local images by absolute URL (html.ts' ImageSizeLookup). */
type Sizes = ReadonlyMap<string, { readonly width: number; readonly height: number }>;

/**
 * sanitize-html's result for marked's `html`, with URLs resolved by `resolve` and `width`/`height` added to
 * images of known size (as html.ts' transform does), or `undefined` when `html` is outside the language this
 * fast path knows.
 */
export function finishMarkedHtml(html: string, trusted: boolean, resolve: (url: string) => string, sizes: Sizes = new Map()): string | undefined {
  let out = '';
  const stack: string[] = [];
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const end = lt === -1 ? html.length : lt;
    if (end > at) {
      const text = decode(html.slice(at, end));
      if (text === undefined) return undefined;
      out += escapeText(text);
    }
    if (lt === -1) break;
    at = lt;
    if (html.startsWith('<!--', at)) {
      COMMENT.lastIndex = at;
      if (!COMMENT.test(html)) return undefined;
      at = COMMENT.lastIndex; // sanitize-html drops comments
      continue;
    }
    if (html.startsWith('</', at)) {
      CLOSE_TAG.lastIndex = at;
      const m = CLOSE_TAG.exec(html);
      if (!m || stack[stack.length - 1] !== m[1]) return undefined;
      stack.pop();
      out += m[0];
      at = CLOSE_TAG.lastIndex;
      continue;
    }
    OPEN_TAG.lastIndex = at;
    const m = OPEN_TAG.exec(html);
    const name = m?.[1];
    const allowed = name === undefined ? undefined : TAGS.get(name);
    if (!m || name === undefined || !allowed) return undefined;
    const top = stack[stack.length - 1];
    if (top !== undefined && IMPLIES_CLOSE.get(name)?.has(top)) return undefined;
    const attrs = openTag(name, m[2] ?? '', allowed, trusted, resolve, sizes);
    if (attrs === undefined) return undefined;
    out += `<${name}${attrs}${VOID.has(name) ? ' />' : '>'}`;
    if (!VOID.has(name)) stack.push(name);
    at = OPEN_TAG.lastIndex;
  }
  return stack.length === 0 ? out : undefined;
}

/** The attributes of one opening tag as sanitize-html writes them, or `undefined` if they are unusual. */
function openTag(tag: string, source: string, allowed: ReadonlySet<string>, trusted: boolean, resolve: (url: string) => string,
  sizes: Sizes): string | undefined {
  let out = '';
  let src: string | undefined;
  const seen = new Set<string>();
  let checkbox = false;
  let disabled = false;
  for (const [, name = '', raw] of source.matchAll(ATTRIBUTE)) {
    if (!allowed.has(name) || seen.has(name)) return undefined;
    seen.add(name);
    let value = raw === undefined ? '' : decode(raw);
    if (value === undefined) return undefined;
    if (URL_ATTRIBUTES.has(name)) value = resolve(value);
    if (name === 'src') src = value;
    if (value === '' && name !== 'alt' && NON_BOOLEAN.has(name)) continue;
    if (SCHEME_CHECKED.has(name) && naughtyHref(tag, value, trusted)) continue;
    if (name === 'type') checkbox = value === 'checkbox';
    if (name === 'disabled') disabled = true;
    out += value === '' ? (name === 'alt' ? ' alt=""' : ` ${name}`) : ` ${name}="${escapeAttribute(value)}"`;
  }
  // html.ts' exclusiveFilter drops any input but a disabled checkbox; leave such rarities to sanitize-html.
  if (tag === 'input' && !(checkbox && disabled)) return undefined;
  // html.ts' transform appends the size of a known image (these attributes are never in marked's output).
  const size = tag === 'img' && src !== undefined ? sizes.get(src) : undefined;
  if (size) out += ` width="${escapeAttribute(String(size.width))}" height="${escapeAttribute(String(size.height))}"`;
  return out;
}

function decode(text: string): string | undefined {
  if (!text.includes('&')) return text;
  const known = text.replace(ENTITY, '');
  if (known.includes('&')) return undefined;
  return text.replace(ENTITY, (e) => ENTITIES[e] ?? e);
}

function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(AMPERSAND, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

function escapeAttribute(text: string): string {
  return /[&<>"]/.test(text) ? escapeText(text).replace(/"/g, '&quot;') : text;
}

/** sanitize-html's `naughtyHref` for the option sets in html.ts (both allow protocol-relative URLs). */
function naughtyHref(tag: string, href: string, trusted: boolean): boolean {
  // eslint-disable-next-line no-control-regex
  let value = href.replace(/[\x00-\x20]+/g, '');
  for (;;) {
    const first = value.indexOf('<!--');
    if (first === -1) break;
    const last = value.indexOf('-->', first + 4);
    if (last === -1) break;
    value = value.substring(0, first) + value.substring(last + 3);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return false;
  const schemes = trusted ? RAW_SCHEMES : tag === 'img' ? SAFE_IMG_SCHEMES : SAFE_SCHEMES;
  return !schemes.has(scheme);
}
