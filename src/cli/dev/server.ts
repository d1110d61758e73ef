import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import mime from 'mime';
import { h } from '../../pages/pages.js';
import { headersFor, type HeaderRule } from '../../pages/hosting.js';

/** Where the live-reload pieces live; never a path the build writes. */
export const DEV_PREFIX = '/__feedwright/';
const RELOAD_SCRIPT = `// feedwright dev: reload when a rebuild changed the site.
new EventSource('${DEV_PREFIX}events').addEventListener('reload', function () { location.reload(); });
`;
const HOST_FILES = new Set(['/_headers', '/_redirects']);
const SNIPPET = `<script src="${DEV_PREFIX}reload.js"></script>`;

/** A local static server for the output folder, with production headers and live reload. */
export interface DevServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Serve the output folder (after a good build) with these header rules. */
  readonly ready: (rules: readonly HeaderRule[]) => void;
  /** Before the first good build: answer every page with these problems instead. */
  readonly failing: (problems: string) => void;
  /** Tell open pages to reload. */
  readonly reload: () => void;
  readonly close: () => Promise<void>;
}

/**
 * Serve `root` on 127.0.0.1 the way a static host would: `dir/` → `dir/index.html`, `dir` → redirect to `dir/`,
 * missing → `404.html` with status 404, `_headers` rules applied (feed media types), and nothing outside
 * `root`. HTML responses get a small reload script (unless `liveReload` is false); the files on disk never
 * do. Nothing is cached.
 */
export async function startDevServer(root: string, port: number, options: { liveReload?: boolean } = {}): Promise<DevServer> {
  const liveReload = options.liveReload ?? true;
  const base = resolve(root);
  let rules: readonly HeaderRule[] | undefined;
  let problems = 'The first build has not finished yet.';
  const clients = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The request target is a path (`//x/y` too: not a host, as `new URL` with a base would read it); a proxy's
    // absolute form (`http://host/path`) is read as a URL. Anything else is no path of the site.
    const requested = req.url ?? '/';
    const href = requested.startsWith('/') ? `http://127.0.0.1${requested}` : requested;
    if (!URL.canParse(href)) return send(res, 400, {}, 'Bad request\n', req);
    const url = new URL(href);
    if (url.pathname === `${DEV_PREFIX}events`) return events(res);
    if (url.pathname === `${DEV_PREFIX}reload.js`) return send(res, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }, RELOAD_SCRIPT, req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { Allow: 'GET, HEAD' }, 'Method not allowed\n', req);
    if (!rules) return send(res, 503, { 'Content-Type': 'text/html; charset=utf-8' }, inject(errorPage(problems)), req);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, {}, 'Bad request\n', req);
    }
    const file = resolve(base, normalize(`.${path}`));
    // Host files (`_headers`) are read by the host, never served; nothing outside the folder either.
    if (path.includes('\0') || (file !== base && !file.startsWith(base + sep)) || HOST_FILES.has(path)) {
      return notFound(res, req, rules);
    }
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory() && !path.endsWith('/')) {
      return send(res, 301, { Location: `${url.pathname}/${url.search}` }, '', req);
    }
    const target = info?.isDirectory() ? join(file, 'index.html') : file;
    const body = await readFile(target).catch(() => undefined);
    if (!body) return notFound(res, req, rules);
    const servedPath = info?.isDirectory() ? `${path}index.html` : path;
    return serveFile(res, req, rules, servedPath, target, body, 200);
  };

  const notFound = async (res: ServerResponse, req: IncomingMessage, current: readonly HeaderRule[]): Promise<void> => {
    const page = await readFile(join(base, '404.html')).catch(() => undefined);
    if (!page) return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found\n', req);
    return serveFile(res, req, current, '/404.html', join(base, '404.html'), page, 404);
  };

  const serveFile = (res: ServerResponse, req: IncomingMessage, current: readonly HeaderRule[], path: string, file: string, body: Buffer, status: number): void => {
    const headers: Record<string, string> = {
      'Content-Type': contentType(file),
      ...headersFor(current, path),
      // Same media types as production, but never cached: every reload must show the newest build.
      'Cache-Control': 'no-store',
    };
    const isHtml = (headers['Content-Type'] ?? '').startsWith('text/html');
    send(res, status, headers, isHtml && liveReload ? inject(body.toString('utf8')) : body, req);
  };

  const events = (res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    clients.add(res);
    res.on('close', () => clients.delete(res));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, `Internal error: ${(error as Error).message}\n`, req);
      else res.destroy();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    ready: (next) => {
      rules = next;
    },
    failing: (text) => {
      problems = text;
    },
    reload: () => {
      for (const client of clients) client.write('event: reload\ndata: {}\n\n');
    },
    close: async () => {
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** The media type for a file name (the same `mime` library the media module uses), UTF-8 for text. */
function contentType(file: string): string {
  const type = mime.getType(extname(file)) ?? 'application/octet-stream';
  return /^text\/|^application\/(javascript|json|xml)$|\+(xml|json)$/.test(type) ? `${type}; charset=utf-8` : type;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, req: IncomingMessage): void {
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Add the reload script before `</body>` (or at the end): only in responses, never on disk. */
function inject(html: string): string {
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + SNIPPET : `${html.slice(0, at)}${SNIPPET}\n  ${html.slice(at)}`;
}

function errorPage(problems: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed · feedwright dev</title></head>
<body>
<main>
<h1>The build failed</h1>
<p>Fix these problems and save; this page reloads by itself.</p>
<pre>${h(problems)}</pre>
</main>
</body>
</html>
`;
}
