import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled script of a worker thread that sits next to the module at `moduleUrl` (its `import.meta.url`), or
 * undefined when there is none: running from TypeScript sources (tests), a worker has no .js file to start.
 */
export function workerFile(moduleUrl: string, name: string): string | undefined {
  const file = fileURLToPath(new URL(`./${name}`, moduleUrl));
  return moduleUrl.endsWith('.js') && existsSync(file) ? file : undefined;
}
