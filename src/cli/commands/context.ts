import { resolve } from 'node:path';
import type { Io } from '../io.js';
import { resolveConfig, type ConfigSource, type ResolvedConfig } from '../../config/config.js';
import type { Diagnostic } from '../../common/diagnostics.js';
import { loadConfigSource } from '../../config/load.js';
import { siteUrlOverride } from '../../config/site-url.js';

/** The command-line flags every command may read (as `node:util` parseArgs returns them). */
export interface CliValues {
  readonly posts?: string;
  readonly out?: string;
  readonly config?: string;
  readonly 'site-url'?: string;
  readonly drafts?: boolean;
  readonly future?: boolean;
  readonly expired?: boolean;
  readonly strict?: boolean;
  readonly port?: string;
}

/** Load and resolve the config with the usual precedence; `url` (the dev server's) wins over everything. */
export async function loadConfig(io: Io, values: CliValues, url?: string): Promise<{ config?: ResolvedConfig; source?: ConfigSource; diagnostics: Diagnostic[] }> {
  const configPath = values.config ?? 'package.json';
  const loaded = await loadConfigSource(resolve(io.cwd, configPath), configPath);
  if (!loaded.source) return { diagnostics: loaded.diagnostics };
  const override = url === undefined ? siteUrlOverride(values['site-url'], io.env) : { url };
  if (override.note) io.stderr(`feedwright: note: ${override.note}\n`);
  const resolved = resolveConfig(loaded.source, override.url === undefined ? {} : { url: override.url, ...(override.from && { urlFrom: override.from }) });
  return { ...(resolved.config && { config: resolved.config }), source: loaded.source, diagnostics: [...loaded.diagnostics, ...resolved.diagnostics] };
}
