/** The `smartmeter-bridge` command line: one entry for every subcommand, with injectable I/O for tests. */
import { decodeCommand, DECODE_USAGE } from './decode-command.ts';
import { serveCommand, SERVE_USAGE } from './serve-command.ts';
import { simulateCommand, SIMULATE_USAGE } from './simulate-command.ts';
import type { CliIo } from './io.ts';

export { nodeIo } from './io.ts';

const USAGE = `usage: smartmeter-bridge <command> [options]

Commands:
  serve      run the bridge: read the configured meters, publish the harmonized MQTT profile
  decode     decode captured meter bytes (DSMR, DLMS/COSEM, M-Bus) to JSON lines
  simulate   play a realistic meter (DSMR 5, Iskra AM550, L+G E450/E360, ...) for demos and tests
  help       show this text, or 'help <command>'

${SERVE_USAGE}

${DECODE_USAGE}

${SIMULATE_USAGE}`;

const commands: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  serve: serveCommand,
  decode: decodeCommand,
  simulate: simulateCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  return command(args, io);
}
