import { defineConfig } from 'vitest/config';

// A non-UTC zone with a half-hour offset and DST, so any code that leaks the
// machine's time zone into the output fails loudly.
process.env.TZ = 'Australia/Adelaide';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
