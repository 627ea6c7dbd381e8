/**
 * Run inside a fresh network namespace (see mdns.test.ts): announces a Tasmota-like and another `_http._tcp` service
 * the way a device does, browses with the bridge's mDNS discovery, and prints what it found as one JSON line.
 */
import { Bonjour } from 'bonjour-service';
import { browseMdns } from '../../../electron/core/discovery/mdns-browse.ts';

const responder = new Bonjour({}, (error: Error) => console.error(`responder: ${error.message}`));
responder.publish({ name: 'tasmota-A1B2C3-1234', host: 'tasmota-A1B2C3-1234.local', type: 'http', port: 80 });
responder.publish({ name: 'printer', host: 'printer.local', type: 'http', port: 631 });
const result = await browseMdns({ durationMs: 3000 });
console.log(JSON.stringify(result));
responder.unpublishAll(() => responder.destroy());
