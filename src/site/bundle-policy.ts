import { closeSync, constants, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Which bundle files are published. A bundle file is served from the site's own origin, so an HTML page, a
 * script or a scripted SVG beside a post would run with the site's authority (its cookies, its pages, its
 * `script-src 'self'`). Bundle files are what a post needs: things a browser shows, plays or downloads without
 * running code. Anything else is an error at the file unless the site sets `allowAnyBundleFile` (trusted authors
 * only, like `allowRawHtml`). The type is the one the file is served with: hosts pick it from the extension, and
 * `X-Content-Type-Options: nosniff` (hosting.ts) keeps browsers from guessing another from the bytes.
 */

/** Media type prefixes published as they are: every image (SVG is checked, below), audio, video and font. */
const SAFE_PREFIXES = ['image/', 'audio/', 'video/', 'font/'];

/** Other media types published as they are: documents, text, subtitles, data and archives. */
const SAFE_TYPES = new Set([
  'application/pdf', 'application/epub+zip', 'application/rtf', 'application/msword', 'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint', 'text/plain', 'text/markdown', 'text/csv', 'text/calendar', 'text/vtt',
  'application/x-subrip', 'application/json', 'application/zip', 'application/gzip', 'application/x-tar',
]);
/** Office documents (Word, Excel, PowerPoint, OpenDocument): downloaded, never run by the browser. */
const SAFE_TYPE_PREFIXES = ['application/vnd.openxmlformats-officedocument.', 'application/vnd.oasis.opendocument.'];

/** Why a bundle file of this media type (from its extension) may not be published, or undefined when it may. */
export function unsafeType(type: string | undefined): string | undefined {
  if (type === undefined) return 'has no known media type (from its extension), so what a browser makes of it is unknown';
  if (type === 'image/svg+xml') return undefined; // checked by content: see scriptInSvg
  if (SAFE_PREFIXES.some((p) => type.startsWith(p)) || SAFE_TYPES.has(type) || SAFE_TYPE_PREFIXES.some((p) => type.startsWith(p))) return undefined;
  return `is ${type}, which ${SCRIPTED.has(type) ? 'runs scripts' : 'a browser may run scripts in'} on the site's origin`;
}

const SCRIPTED = new Set(['text/html', 'text/javascript', 'application/javascript', 'application/xhtml+xml', 'application/node', 'application/wasm']);

// Elements that run script or embed a document that can: SVG's own <script>, <handler> (SVG Tiny) and
// <foreignObject> (it holds HTML), and HTML's embedding elements, in any namespace prefix.
const SVG_ACTIVE = new Set(['script', 'handler', 'listener', 'foreignobject', 'iframe', 'embed', 'object', 'frame', 'frameset', 'applet', 'meta', 'base']);
// A URL that runs script, once the characters browsers ignore are gone.
const SCRIPT_URL = /^(?:javascript|vbscript|livescript|data:(?!image\/(?!svg)))/i;
// Animation elements can set an attribute (an `href`) to such a URL.
const ANIMATION = new Set(['set', 'animate', 'animatemotion', 'animatetransform', 'animatecolor']);

/** Largest SVG that is checked (read in pieces, never whole); a bigger one is refused. */
export const MAX_SVG_BYTES = 16 * 1024 * 1024;

/**
 * What in an SVG file would run script, or undefined when nothing would: read with htmlparser2's XML mode, a
 * real parser (entities decoded, any namespace prefix seen through). Refused: script-running elements, `on…`
 * event handlers, `javascript:` and non-image `data:` URLs in any attribute, animations of `href`, an
 * `<?xml-stylesheet?>` (XSLT can write script), compressed SVG (it cannot be read here) and SVGs over 16 MiB.
 * Read in 64 KB pieces, stopping at the first finding.
 */
export function scriptInSvg(file: string, size: number): string | undefined {
  if (size > MAX_SVG_BYTES) return `is an SVG of ${size} bytes, over the ${MAX_SVG_BYTES / (1024 * 1024)} MiB that are checked for scripts`;
  let found: string | undefined;
  const local = (name: string): string => name.slice(name.indexOf(':') + 1).toLowerCase();
  const Parser = htmlParser();
  const parser = new Parser({
    onopentag(name, attributes) {
      if (found) return;
      const tag = local(name);
      if (SVG_ACTIVE.has(tag)) found = `has a <${name}> element`;
      for (const [attribute, value] of Object.entries(attributes)) {
        if (found) break;
        const key = local(attribute);
        if (key.startsWith('on')) found = `has an event handler (${attribute} on <${name}>)`;
        else if (SCRIPT_URL.test(value.replace(/[\x00-\x20]+/g, ''))) found = `has a script URL (${attribute} on <${name}>)`;
        else if (ANIMATION.has(tag) && key === 'attributename' && /href$/i.test(value.trim())) found = `animates a link (<${name} attributeName="${value}">)`;
      }
    },
    onprocessinginstruction(name) {
      if (!found && name.toLowerCase() === '?xml-stylesheet') found = 'has an <?xml-stylesheet?> instruction';
    },
  }, { xmlMode: true, decodeEntities: true });
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const buffer = Buffer.alloc(64 * 1024);
    const decoder = new TextDecoder('utf-8');
    let first = true;
    for (let read = readSync(fd, buffer); read > 0 && !found; read = readSync(fd, buffer)) {
      if (first && buffer[0] === 0x1f && buffer[1] === 0x8b) return 'is a compressed SVG (.svgz), which cannot be checked for scripts';
      first = false;
      parser.write(decoder.decode(buffer.subarray(0, read), { stream: true }));
    }
    if (!found) parser.end();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return found;
}

let parserClass: typeof import('htmlparser2').Parser | undefined;

/** htmlparser2's Parser, loaded on first use: most builds publish no SVG. */
function htmlParser(): typeof import('htmlparser2').Parser {
  parserClass ??= (createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2')).Parser;
  return parserClass;
}
