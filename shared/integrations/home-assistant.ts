/**
 * Home Assistant needs no snippet: the bridge announces every meter through MQTT discovery. What the user gets is
 * where each meter appears and, when discovery is off, how to turn it on.
 */
import { haNodeId } from '../profile/home-assistant.ts';
import type { IntegrationInput, Snippet } from './types.ts';

export function homeAssistantSnippet(input: IntegrationInput): Snippet {
  const lines = input.haPrefix
    ? [
        `# Discovery is on (prefix "${input.haPrefix}"). In Home Assistant: Settings > Devices & services > MQTT.`,
        '# Each meter is one device with a sensor per quantity; the energy dashboard takes energy_in / energy_out.',
        ...input.meters.map(
          (m) => `${input.haPrefix}/device/${haNodeId(m.meterId, input.baseTopic)}/config  # ${m.topicId}`,
        ),
      ]
    : ['# Discovery is off. Turn it on in the bridge config:', 'profile:', '  homeAssistant:', '    enabled: true'];
  return { id: 'home-assistant', fileName: 'home-assistant.txt', text: `${lines.join('\n')}\n` };
}
