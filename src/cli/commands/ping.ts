import { build, feedDocs } from '../../build.js';
import { referenceTime, report, type Io } from '../io.js';
import { hasErrors } from '../../common/diagnostics.js';
import { feedUrl } from '../../feeds/doc.js';
import { loadConfig, type CliValues } from './context.js';

/** Requests in flight at once: polite to the hub, still quick for sites with many tags. */
const PARALLEL = 4;
const TIMEOUT_MS = 15_000;

/**
 * `feedwright ping`: after a deploy, tell the configured WebSub hub that each feed (main and per tag, all three
 * formats) has new content, with the de facto publish request (`hub.mode=publish`, `hub.url=<feed>`), one per
 * feed so every hub understands it. The feed list comes from an in-memory build with the same config.
 */
export async function ping(values: CliValues, io: Io): Promise<number> {
  const { config, diagnostics } = await loadConfig(io, values);
  if (!config || hasErrors(diagnostics)) {
    report(diagnostics, io);
    return 1;
  }
  if (!config.hub) {
    io.stderr('feedwright: no WebSub hub is configured, so there is nobody to ping: add "hub": "https://…" to the feedwright config\n');
    return 1;
  }
  const now = referenceTime(io);
  if (typeof now === 'string') {
    io.stderr(`feedwright: ${now}\n`);
    return 2;
  }
  const result = await build({
    config, root: io.cwd, postsDir: values.posts ?? 'posts', now,
    drafts: values.drafts ?? false, future: values.future ?? false, expired: values.expired ?? false,
  });
  if (hasErrors(result.diagnostics) || !result.site) {
    report(result.diagnostics, io);
    return 1;
  }
  const urls = feedDocs(result.site).flatMap((doc) => [feedUrl(doc, 'rss'), feedUrl(doc, 'atom'), feedUrl(doc, 'json')]);
  const hub = config.hub;
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      const problem = await publish(hub, url);
      if (problem) failures.push(`${url}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, urls.length) }, worker));
  for (const f of failures.sort()) io.stderr(`feedwright: the hub did not accept ${f}\n`);
  if (failures.length > 0) {
    io.stderr(`✖ ${failures.length} of ${urls.length} feeds were not accepted by ${hub}\n`);
    return 1;
  }
  io.stdout(`Notified ${hub} of ${urls.length} feed${urls.length === 1 ? '' : 's'}\n`);
  return 0;
}

/** One publish request; returns what went wrong, or undefined when the hub answered 2xx. */
async function publish(hub: string, url: string): Promise<string | undefined> {
  try {
    const response = await fetch(hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'follow',
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? undefined : `HTTP ${response.status} ${response.statusText}`.trim();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
  }
}
