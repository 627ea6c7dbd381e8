/**
 * What a config change restarts, decided once from the two configs (docs/configuration.md, "Changing settings from
 * the UI"): the output when the broker, queue or profile changed; the topics when the profile or an alias changed;
 * a source when its own settings, the meters' keys or the zone changed, and gateway sources on the output broker
 * with the output.
 */
import type { ResolvedConfig, ResolvedSource } from '../config/load-config.ts';
import { sameValue } from '../config/same-value.ts';

export interface ReconfigurePlan {
  /** Embedded broker, publisher and Home Assistant watch. */
  outputChanged: boolean;
  /** The embedded broker itself, or the broker URL: the running embedded broker closes too. */
  brokerChanged: boolean;
  /** Meters move to other topics (alias, base topic, discovery prefix). */
  topicsChanged: boolean;
  historyChanged: boolean;
  /** Whether the running source with this id stops (to start again with the new config, if it is still there). */
  stopsSource(id: string): boolean;
}

export function planReconfigure(before: ResolvedConfig, next: ResolvedConfig): ReconfigurePlan {
  const outputChanged = (['broker', 'embeddedBroker', 'queue', 'profile'] as const).some(
    (key) => !sameValue(before[key], next[key]),
  );
  // Only aliases move topics: a meter listed for its key alone keeps its topic.
  const aliases = (c: ResolvedConfig) =>
    Object.entries(c.meters).flatMap(([id, m]) => (m.alias ? [[id, m.alias]] : []));
  const decodingChanged = !sameValue(before.meters, next.meters) || before.timeZone !== next.timeZone;
  const restarts = (s: ResolvedSource, old: ResolvedSource | undefined) =>
    !sameValue(s, old) || (s.type === 'mqtt' ? outputChanged && !s.url : decodingChanged);
  return {
    outputChanged,
    brokerChanged: !sameValue(before.embeddedBroker, next.embeddedBroker) || before.broker.url !== next.broker.url,
    topicsChanged: !sameValue(before.profile, next.profile) || !sameValue(aliases(before), aliases(next)),
    historyChanged: !sameValue(before.history, next.history),
    stopsSource(id) {
      const source = next.sources.find((s) => s.id === id);
      return (
        !source ||
        restarts(
          source,
          before.sources.find((s) => s.id === id),
        )
      );
    },
  };
}
