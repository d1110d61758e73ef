import { resolveConfig, type ConfigSource, type ResolvedConfig } from './config.js';
import { isPlainObject } from '../common/util.js';

/**
 * A usable config from one that has errors: every key that is fine on its own is kept, the others fall back
 * to their defaults (a missing or broken URL to a placeholder). Used only to check the posts in the same run,
 * so that a mistake in the config does not hide the posts' problems; nothing is ever written with it.
 */
export function salvageConfig(source: ConfigSource): ResolvedConfig | undefined {
  const data = isPlainObject(source.data) ? source.data : {};
  const kept: Record<string, unknown> = { url: 'https://example.invalid/' };
  for (const [key, value] of Object.entries(data)) {
    const alone = { ...kept, [key]: value };
    if (resolveConfig({ ...source, data: alone }).config) kept[key] = value;
  }
  return resolveConfig({ ...source, data: kept }).config;
}
