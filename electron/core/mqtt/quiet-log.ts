/**
 * mqtt.js logs every packet through `debug`, whose call allocates an array for its arguments even while logging is
 * off: at thousands of packets per second that was the largest source of garbage in `serve`. A no-op instead, unless
 * DEBUG asks for mqtt.js's own log.
 */
export const mqttLog: ((...args: unknown[]) => void) | undefined = process.env.DEBUG?.includes('mqttjs')
  ? undefined
  : () => {};
