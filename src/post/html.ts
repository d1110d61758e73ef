import { createRequire } from 'node:module';
import type sanitizeHtml from 'sanitize-html';

/**
 * Post HTML goes through one real HTML parser pass (sanitize-html on htmlparser2) that both removes active
 * content and makes every URL absolute against the post's own URL, so feed readers resolve them.
 */

/**
 * Every attribute whose value HTML reads as one URL (HTML's index of attributes, plus the old ones browsers still
 * honour and SVG's `xlink:href`). Each is made absolute, and each is held to the URL rules below: sanitize-html
 * checks only `href`, `src` and `cite` unless told, so `<video poster="javascript:…">` used to pass. `srcset`
 * (a list of URLs) is handled on its own, candidate by candidate.
 */
export const URL_ATTRIBUTES: readonly string[] = [
  'href', 'src', 'cite', 'poster', 'data', 'action', 'formaction', 'longdesc', 'background', 'usemap', 'manifest',
  'codebase', 'classid', 'icon', 'profile', 'dynsrc', 'lowsrc', 'xlink:href', 'itemtype',
];

/**
 * The URL rules of safe HTML, shared by the sanitizer below and by the Markdown fast route
 * (safe-markdown.ts), which must drop exactly the URLs the sanitizer drops.
 */
export const SAFE_SCHEMES: readonly string[] = ['http', 'https', 'mailto', 'tel'];
/** Per-tag scheme lists that replace `SAFE_SCHEMES` for that tag. */
export const SAFE_SCHEMES_BY_TAG: Readonly<Record<string, readonly string[]>> = { img: ['http', 'https', 'data'] };
/** `//host/path` URLs are kept (they resolve against the post's own scheme). */
export const ALLOW_PROTOCOL_RELATIVE = true;

/**
 * sanitize-html (with postcss, which it loads) takes a tenth of a second to load, and most builds never need it:
 * posts without raw HTML take the fast route (safe-markdown.ts). So it is loaded on first use, with its options.
 */
let loaded: { readonly sanitize: typeof sanitizeHtml; readonly safe: sanitizeHtml.IOptions; readonly raw: sanitizeHtml.IOptions } | undefined;

function sanitizer(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const sanitize = createRequire(import.meta.url)('sanitize-html') as typeof sanitizeHtml;
  const safeTags = [
    ...sanitize.defaults.allowedTags,
    'img', 'picture', 'source', 'figure', 'figcaption', 'video', 'audio', 'track', 'details', 'summary',
    'del', 'ins', 's', 'sup', 'sub', 'kbd', 'mark', 'input', 'dl', 'dt', 'dd', 'abbr', 'time', 'h1', 'h2',
  ];

  // Void elements are written without an end tag: `</source>` is an HTML parse error (feed validators flag it).
  const selfClosing = [...sanitize.defaults.selfClosing, 'source', 'track', 'wbr', 'col', 'embed', 'param'];

  const safeOptions: sanitizeHtml.IOptions = {
    selfClosing,
    allowedTags: safeTags,
    allowedAttributes: {
      '*': ['id', 'title', 'lang', 'dir'],
      // (the data and aria attributes: GitHub-flavoured footnotes, see footnotes.ts)
      a: ['href', 'name', 'rel', 'hreflang', 'type', 'data-footnote-ref', 'data-footnote-backref', 'aria-describedby', 'aria-label'],
      section: ['data-footnotes'],
      img: ['src', 'srcset', 'sizes', 'alt', 'width', 'height', 'loading', 'decoding'],
      source: ['src', 'srcset', 'sizes', 'type', 'media'],
      video: ['src', 'poster', 'controls', 'width', 'height', 'preload', 'loop', 'muted', 'playsinline'],
      audio: ['src', 'controls', 'preload', 'loop', 'muted'],
      track: ['src', 'kind', 'srclang', 'label', 'default'],
      input: ['type', 'checked', 'disabled'],
      code: ['class'], pre: ['class'], span: ['class'], div: ['class'],
      ol: ['start', 'reversed', 'type'], li: ['value'],
      td: ['align', 'colspan', 'rowspan'], th: ['align', 'colspan', 'rowspan', 'scope'],
      blockquote: ['cite'], q: ['cite'], del: ['cite', 'datetime'], ins: ['cite', 'datetime'], time: ['datetime'],
      abbr: ['title'], details: ['open'],
    },
    // Only the footnotes' classes: a class chosen by the author could borrow the look of the page's own parts.
    allowedClasses: { section: ['footnotes'], h2: ['sr-only'] },
    allowedSchemes: [...SAFE_SCHEMES],
    // Every URL attribute, not sanitize-html's default `href`, `src` and `cite` (srcset is checked per candidate).
    allowedSchemesAppliedToAttributes: [...URL_ATTRIBUTES],
    allowedSchemesByTag: Object.fromEntries(Object.entries(SAFE_SCHEMES_BY_TAG).map(([tag, schemes]) => [tag, [...schemes]])),
    allowProtocolRelative: ALLOW_PROTOCOL_RELATIVE,
    // Only disabled checkboxes (GFM task lists) survive as inputs.
    exclusiveFilter: (frame) => frame.tag === 'input' && (frame.attribs.type !== 'checkbox' || frame.attribs.disabled === undefined),
  };

  const rawOptions: sanitizeHtml.IOptions = {
    selfClosing,
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    allowedSchemes: ['http', 'https', 'mailto', 'tel', 'data', 'javascript', 'ftp'],
  };
  loaded = { sanitize, safe: safeOptions, raw: rawOptions };
  return loaded;
}

/** Pixel sizes of known local images, keyed by absolute URL. */
export type ImageSizeLookup = ReadonlyMap<string, { readonly width: number; readonly height: number }>;

/**
 * Sanitize (unless `trusted`) and resolve every relative URL in `html` against `base`. In the same pass,
 * an `<img>` whose absolute `src` is in `sizes` and that has neither `width` nor `height` gets both, so
 * pages and feed readers reserve its space before it loads.
 */
export function finishHtml(html: string, base: string, trusted: boolean, sizes: ImageSizeLookup = new Map()): string {
  const baseUrl = new URL(base);
  const { sanitize, safe, raw } = sanitizer();
  return sanitize(html, {
    ...(trusted ? raw : safe),
    transformTags: {
      '*': (tagName, attribs) => {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(attribs)) {
          if (URL_ATTRIBUTES.includes(name)) {
            const url = absoluteUrl(value, baseUrl);
            // The sanitizer checks schemes; `urlAllowed` also holds `data:` on images to image types.
            if (trusted || urlAllowed(tagName, url)) out[name] = url;
          } else if (name === 'srcset') out[name] = absoluteSrcset(value, baseUrl);
          else out[name] = value;
        }
        const size = tagName === 'img' && out.src !== undefined ? sizes.get(out.src) : undefined;
        if (size && out.width === undefined && out.height === undefined) {
          out.width = String(size.width);
          out.height = String(size.height);
        }
        return { tagName, attribs: out };
      },
    },
  });
}

/**
 * Whether the sanitizer keeps `url` (already made absolute) in a URL attribute of `tag`: the check
 * sanitize-html makes on every attribute of `URL_ATTRIBUTES` with the options above, and `data:` only for images. Characters up to U+0020 are
 * ignored, as browsers do, and HTML comments inside the URL are cut out before the scheme is read.
 */
export function urlAllowed(tag: string, url: string): boolean {
  let href = url.replace(/[\x00-\x20]+/g, '');
  for (;;) {
    const start = href.indexOf('<!--');
    if (start === -1) break;
    const end = href.indexOf('-->', start + 4);
    if (end === -1) break;
    href = href.slice(0, start) + href.slice(end + 3);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(href)?.[1];
  if (scheme === undefined) return !/^[/\\]{2}/.test(href) || ALLOW_PROTOCOL_RELATIVE;
  const allowed = Object.hasOwn(SAFE_SCHEMES_BY_TAG, tag) ? SAFE_SCHEMES_BY_TAG[tag] : SAFE_SCHEMES;
  if (allowed === undefined || !allowed.includes(scheme.toLowerCase())) return false;
  // An image may be inline data, but only image data (`data:text/html` in an `<img>` is nobody's picture).
  return scheme.toLowerCase() !== 'data' || /^data:image\//i.test(href);
}

/** Resolve a possibly relative URL; leaves absolute URLs and unparsable values alone. */
export function absoluteUrl(value: string, base: URL): string {
  const trimmed = value.trim();
  if (trimmed === '' || /^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return value;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return value;
  }
}

/**
 * Resolve every URL in a `srcset`, following the HTML parsing rules: candidates are separated by commas
 * with or without white space (`a.png 1x,b.png 2x`), and a URL may itself contain commas (`data:`).
 */
export function absoluteSrcset(value: string, base: URL): string {
  return srcsetCandidates(value)
    .map(({ url, descriptor }) => (descriptor ? `${absoluteUrl(url, base)} ${descriptor}` : absoluteUrl(url, base)))
    .join(', ');
}

/** One image candidate of a `srcset`: its URL, where that starts in the value, and its descriptor (`2x`, `640w`; may be empty). */
interface SrcsetCandidate {
  readonly url: string;
  readonly at: number;
  readonly descriptor: string;
}

/** The candidates of a `srcset` value, split as `absoluteSrcset` describes (HTML's rules). */
export function srcsetCandidates(value: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let i = 0;
  for (;;) {
    while (i < value.length && /[\s,]/.test(value[i] ?? '')) i++;
    if (i >= value.length) break;
    const at = i;
    const url = /^\S+/.exec(value.slice(at))?.[0] ?? '';
    i = at + url.length;
    // A URL ending in commas ends the candidate there; otherwise descriptors run to the next comma
    // outside parentheses.
    const bare = url.replace(/,+$/, '');
    let descriptor = '';
    if (bare === url) {
      const start = i;
      let depth = 0;
      for (; i < value.length; i++) {
        const c = value[i];
        if (c === '(') depth++;
        else if (c === ')') depth = Math.max(0, depth - 1);
        else if (c === ',' && depth === 0) break;
      }
      descriptor = value.slice(start, i).trim().replace(/\s+/g, ' ');
    }
    out.push({ url: bare, at, descriptor });
  }
  return out;
}

/** Visible text of an HTML fragment, entities decoded and white space collapsed. */
export function htmlToText(html: string): string {
  const Parser = htmlParser();
  let text = '';
  let skip = 0;
  const parser = new Parser({
    onopentagname(name) {
      if (name === 'script' || name === 'style') skip++;
    },
    onclosetag(name) {
      if (name === 'script' || name === 'style') skip--;
      else if (BLOCKS.has(name)) text += ' ';
    },
    ontext(data) {
      if (skip === 0) text += data;
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return text.replace(/\s+/g, ' ').trim();
}

let parserClass: typeof import('htmlparser2').Parser | undefined;

/** htmlparser2's Parser, loaded on first use like sanitize-html: a post with a `summary` and no raw HTML needs neither. */
function htmlParser(): typeof import('htmlparser2').Parser {
  parserClass ??= (createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2')).Parser;
  return parserClass;
}

const BLOCKS = new Set(['p', 'div', 'li', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr', 'td', 'th']);

/** A URL attribute of raw HTML in a post body that names something the post shows or links to (or one URL of a `srcset`). */
export interface RawHtmlLink {
  /** The attribute's value as the browser (and the sanitizer) read it: character references decoded. */
  readonly value: string;
  /** Where the value starts in the text written to the reader (0-based, over every piece written so far). */
  readonly offset: number;
  /** The value as written (for finding it when its piece of text is not found as is). */
  readonly written: string;
  /** An image (`<img src>` and `srcset`, `<video poster>`) rather than a link or a media file. */
  readonly image: boolean;
}

/**
 * The attributes collected from raw HTML, by element: the ones that point at a page or a file the post shows, which
 * the broken-link check looks at as it looks at Markdown links and images (a `srcset` yields each of its candidates'
 * URLs; the other attributes are not checked).
 */
const RAW_LINK_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, boolean>>>> = {
  a: { href: false },
  img: { src: true, srcset: true },
  // (`src` in <video> and <audio>; `srcset` in <picture>, an image)
  source: { src: false, srcset: true },
  video: { src: false, poster: true },
  audio: { src: false },
};

/**
 * Reads the raw HTML pieces of a post body, in document order, with one htmlparser2 parser, so that an element opened
 * in one piece (`<script>`, a comment) holds the pieces after it as a browser reads the whole page; yields every
 * `RAW_LINK_ATTRIBUTES` attribute, with where its value is written. Only the first of a repeated attribute counts,
 * as in a browser.
 */
export class RawHtmlLinks {
  private readonly found: RawHtmlLink[] = [];
  private readonly parser: import('htmlparser2').Parser;
  private written = '';
  private tag: Readonly<Record<string, boolean>> | undefined;
  private seen = new Set<string>();

  constructor() {
    const Parser = htmlParser();
    this.parser = new Parser({
      onopentagname: (name) => {
        this.tag = Object.hasOwn(RAW_LINK_ATTRIBUTES, name) ? RAW_LINK_ATTRIBUTES[name] : undefined;
        this.seen.clear();
      },
      onattribute: (name, value, quote) => {
        const tag = this.tag;
        if (tag === undefined || !Object.hasOwn(tag, name) || this.seen.has(name) || quote === undefined) return;
        this.seen.add(name);
        // The parser is at the attribute: from its name's start to its end. Its value starts after the `=` (white space
        // and the quote skipped), which the parser has already found there.
        const start = this.parser.startIndex;
        // (its end: just past the closing quote, or past an unquoted value)
        const text = this.written.slice(start, this.parser.endIndex);
        const equals = text.indexOf('=', name.length);
        if (equals < 0) return;
        let at = equals + 1;
        while (at < text.length && /\s/.test(text[at] ?? '')) at++;
        if (quote !== null) at++;
        const end = quote === null ? text.length : Math.max(at, text.length - 1);
        const written = text.slice(at, end);
        const image = tag[name] === true;
        if (name !== 'srcset') {
          this.found.push({ value, offset: start + at, written, image });
          return;
        }
        // Each candidate's URL, as the output has it (absoluteSrcset splits the decoded value the same way), at
        // where it is written; when character references make the value and the text split differently, all are
        // at the value's start.
        const candidates = srcsetCandidates(value);
        const as = srcsetCandidates(written);
        const placed = as.length === candidates.length;
        candidates.forEach((c, i) => {
          const w = placed ? as[i] : undefined;
          this.found.push({ value: c.url, offset: start + at + (w?.at ?? 0), written: w?.url ?? written, image });
        });
      },
    }, { decodeEntities: true });
  }

  /** Reads the next piece of raw HTML; returns the attributes completed in it. */
  write(html: string): RawHtmlLink[] {
    this.written += html;
    this.found.length = 0;
    this.parser.write(html);
    return this.found.splice(0);
  }
}

/**
 * One HTML comment and nothing else but white space. A comment ends at the first `-->` or `--!>`, or at
 * once for `<!-->` and `<!--->`; anything else (two comments, text after one) counts as raw HTML.
 */
export const LONE_COMMENT = /^(\s*)<!--(?!-?>)(?:(?!--!?>)[\s\S])*-->(\s*)$/;

/** Whether a piece of raw HTML is one whole comment and white space (`<!-- more -->`): nothing a browser reads in it. */
export function isLoneComment(raw: string): boolean {
  return LONE_COMMENT.test(raw);
}
