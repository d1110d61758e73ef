import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConfigSource } from './config.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { isPlainObject } from './util.js';

/**
 * Read the config: the `"feedwright"` field of `package.json` by default, or a dedicated JSON file
 * given with `--config` (a package.json is read through its `"feedwright"` field as well).
 */
export async function loadConfigSource(path: string, shown: string): Promise<{ source?: ConfigSource; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { diagnostics: [diagnostic(shown, 'error', 'config-read', missing
      ? `${shown} not found: run feedwright in the folder that holds your package.json, or pass --config FILE`
      : `cannot read ${shown}: ${(error as Error).message}`)] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { diagnostics: [diagnostic(shown, 'error', 'config-json', `${shown} is not valid JSON: ${(error as Error).message}`)] };
  }
  const isPackage = basename(path) === 'package.json';
  const data = isPackage && isPlainObject(json) ? json.feedwright : json;
  return { diagnostics: [], source: { file: shown, text, data, keyPath: isPackage ? ['feedwright'] : [] } };
}
