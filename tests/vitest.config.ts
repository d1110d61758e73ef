import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// A non-UTC zone with a half-hour offset and DST, so any code that leaks the
// machine's time zone into the output fails loudly.
process.env.TZ = 'Australia/Adelaide';

export default defineConfig({
  // This file lives in tests/ (the top level holds only what the design card lists); paths are from the repo root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/fast-check-seed.ts'],
    testTimeout: 30_000,
  },
});
