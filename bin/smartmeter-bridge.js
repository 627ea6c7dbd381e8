#!/usr/bin/env node
// Runs the compiled build (`npm run build`, starts in a fraction of a second) when it is there and up to date;
// otherwise the TypeScript sources through tsx, so a plain checkout works on every platform.
import { pathToFileURL } from 'node:url';
import { CLI_BUNDLE, NODE_SOURCES, isFresh } from './build-state.js';

let entry = '../electron/cli/main.ts';
if (isFresh(CLI_BUNDLE, NODE_SOURCES)) entry = pathToFileURL(CLI_BUNDLE).href;
else (await import('tsx/esm/api')).register();
const { runCli, nodeIo } = await import(entry);
process.exitCode = await runCli(process.argv.slice(2), nodeIo());
