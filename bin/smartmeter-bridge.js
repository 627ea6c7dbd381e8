#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the command works from a plain checkout on every platform.
import { register } from 'tsx/esm/api';

register();
const { runCli, nodeIo } = await import('../electron/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), nodeIo());
