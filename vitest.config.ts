import { defineConfig } from 'vitest/config';

const unitTests = [
  'test/unit/**/*.test.ts',
  'test/corpus/**/*.test.ts',
  'test/helpers/**/*.test.ts',
  'shared/**/*.test.ts',
];

/**
 * Meter clocks without a UTC offset are read in the machine's zone unless configured, so the unit and corpus tests run
 * twice: on a UTC machine (every container, most Raspberry Pis out of the box) and in Switzerland. The integration
 * tests (real broker, ptys, processes) run once, under UTC, the zone that hid defects before.
 */
export default defineConfig({
  test: {
    testTimeout: 20000,
    projects: [
      { extends: true, test: { name: 'utc', include: unitTests, env: { TZ: 'UTC' } } },
      { extends: true, test: { name: 'zurich', include: unitTests, env: { TZ: 'Europe/Zurich' } } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'electron/**/*.test.ts'],
          exclude: [...unitTests, '**/node_modules/**'],
          env: { TZ: 'UTC' },
        },
      },
    ],
  },
});
