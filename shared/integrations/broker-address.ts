/** The broker URL as the other tools want it: host, port and whether TLS is on (mqtt 1883, mqtts 8883 by default). */
export interface BrokerAddress {
  host: string;
  port: number;
  tls: boolean;
}

export function brokerAddress(url: string): BrokerAddress {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const tls = parsed?.protocol === 'mqtts:' || parsed?.protocol === 'ssl:' || parsed?.protocol === 'wss:';
  const host = parsed?.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { host, port: Number(parsed?.port) || (tls ? 8883 : 1883), tls };
}
