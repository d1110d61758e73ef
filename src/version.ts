import { readFileSync } from 'node:fs';

/** The tool's version, from its own package.json (one level above both `src/` and `dist-cli/`). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const GENERATOR = { name: 'feedwright', uri: 'https://github.com/feedwright/feedwright', version: VERSION } as const;
