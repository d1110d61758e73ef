import { readFileSync } from 'node:fs';

/** The tool's version, from its own package.json (one level above both `src/` and `dist-cli/`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// No `uri`: the project has no public home page yet, and a guessed one would send readers to a dead link.
export const GENERATOR = { name: 'feedwright', version: VERSION } as const;
