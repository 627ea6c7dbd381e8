/** The `smartmeter-bridge` command line: one entry for every subcommand, with injectable I/O for tests. */
import { decodeCommand, DECODE_USAGE } from './decode-command.ts';
import { packageVersion, serveCommand, SERVE_USAGE } from './serve-command.ts';
import { simulateCommand, SIMULATE_USAGE } from './simulate-command.ts';
import type { CliIo } from './io.ts';

export { nodeIo } from './io.ts';

const commands: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; usage: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE },
  decode: { run: decodeCommand, usage: DECODE_USAGE },
  simulate: { run: simulateCommand, usage: SIMULATE_USAGE },
};

const USAGE = `usage: smartmeter-bridge <command> [options]
       smartmeter-bridge --version

Commands:
  serve      run the bridge: read the configured meters, publish the harmonized MQTT profile
  decode     decode captured meter bytes (DSMR, DLMS/COSEM, M-Bus) to JSON lines
  simulate   play a realistic meter (DSMR 5, Iskra AM550, L+G E450/E360, ...) for demos and tests
  help       show this text, or 'help <command>'
Every command takes --help (-h).
Exit status: 0 success; 1 a runtime failure (a broker, device or file that failed while running);
2 a usage or configuration problem to fix in the command line or the config file.

${Object.values(commands)
  .map((c) => c.usage)
  .join('\n\n')}`;

const HELP = new Set(['--help', '-h']);

/** Whether the options (those before a `--`) ask for help. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => HELP.has(a));
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V') {
    io.out(packageVersion());
    return 0;
  }
  if (name === undefined || name === 'help' || HELP.has(name)) {
    io.out(commands[args[0] ?? '']?.usage ?? USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.out(command.usage);
    return 0;
  }
  return command.run(args, io);
}
