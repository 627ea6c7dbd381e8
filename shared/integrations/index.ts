/** Every integration snippet for the live meters, in the order the Topics page shows them. */
import { grafanaDashboard } from './grafana.ts';
import { homeAssistantSnippet } from './home-assistant.ts';
import { nodeRedFlow } from './node-red.ts';
import { openhabItems, openhabThings } from './openhab.ts';
import { telegrafConfig } from './telegraf.ts';
import type { IntegrationInput, Snippet } from './types.ts';

export type { IntegrationInput, IntegrationMeter, Snippet } from './types.ts';

export function integrationSnippets(input: IntegrationInput): Snippet[] {
  return [homeAssistantSnippet, openhabThings, openhabItems, nodeRedFlow, telegrafConfig, grafanaDashboard].map(
    (make) => make(input),
  );
}
