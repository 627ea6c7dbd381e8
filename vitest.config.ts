import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'electron/**/*.test.ts'],
    // Meter clocks without a UTC offset are read in this zone; pinned so results do not depend on the machine.
    env: { TZ: 'Europe/Zurich' },
    testTimeout: 20000,
  },
});
