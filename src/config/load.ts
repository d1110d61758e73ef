import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConfigSource } from './config.js';
import { diagnostic, type Diagnostic } from '../common/diagnostics.js';
import { decodeUtf8 } from '../read/text.js';
import { isPlainObject } from '../common/util.js';

/**
 * Read the config: the `"feedwright"` field of `package.json` by default, or a dedicated JSON file
 * given with `--config` (a package.json is read through its `"feedwright"` field as well).
 */
export async function loadConfigSource(path: string, shown: string): Promise<{ source?: ConfigSource; diagnostics: Diagnostic[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { diagnostics: [diagnostic(shown, 'error', 'config-read', missing
      ? `${shown} not found: run feedwright in the folder that holds your package.json, or pass --config FILE`
      : `cannot read ${shown}: ${(error as Error).message}`)] };
  }
  // Strict, like the posts: a lenient decode would put U+FFFD into the feed title without a word.
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    return { diagnostics: [diagnostic(shown, 'error', 'invalid-utf8', `${shown} is not valid UTF-8: byte 0x${(bytes[text.offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${text.offset} cannot start or continue a character; save the file as UTF-8`)] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const before = offset === undefined ? undefined : text.slice(0, Number(offset));
    const at = before === undefined ? undefined : { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
    return { diagnostics: [diagnostic(shown, 'error', 'config-json', `${shown} is not valid JSON: ${message}`, at)] };
  }
  const isPackage = basename(path) === 'package.json';
  const data = isPackage && isPlainObject(json) ? json.feedwright : json;
  return { diagnostics: [], source: { file: shown, text, data, keyPath: isPackage ? ['feedwright'] : [] } };
}
