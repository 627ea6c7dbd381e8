/** The `smartmeter-bridge` command line: one entry for every subcommand, with injectable I/O for tests. */
import { packageVersion } from '../core/build-info.ts';
import type { CliIo } from './io.ts';

export { nodeIo } from './io.ts';

interface Command {
  run: (args: string[], io: CliIo) => Promise<number>;
  usage: string;
}

// Each command loads only its own modules, so `decode` does not pay for the MQTT, broker and serial stacks.
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => {
    const { serveCommand, SERVE_USAGE } = await import('./serve-command.ts');
    return { run: serveCommand, usage: SERVE_USAGE };
  },
  decode: async () => {
    const { decodeCommand, DECODE_USAGE } = await import('./decode-command.ts');
    return { run: decodeCommand, usage: DECODE_USAGE };
  },
  translate: async () => {
    const { translateCommand, TRANSLATE_USAGE } = await import('./translate-command.ts');
    return { run: translateCommand, usage: TRANSLATE_USAGE };
  },
  simulate: async () => {
    const { simulateCommand, SIMULATE_USAGE } = await import('./simulate-command.ts');
    return { run: simulateCommand, usage: SIMULATE_USAGE };
  },
};

const usage = async () => `usage: smartmeter-bridge <command> [options]
       smartmeter-bridge --version

Commands:
  serve      run the bridge: read the configured meters, publish the harmonized MQTT profile
  translate  translate raw gateway MQTT into the profile, one of many instances behind one broker
  decode     decode captured meter bytes (DSMR, DLMS/COSEM, M-Bus, SML, IEC 62056-21, wireless M-Bus) to JSON lines
  simulate   play a realistic meter (DSMR 5, Iskra AM550, L+G E450/E360, ...) for demos and tests
  help       show this text, or 'help <command>'
Every command takes --help (-h).
Exit status: 0 success; 1 a runtime failure (a broker, device or file that failed while running);
2 a usage or configuration problem to fix in the command line or the config file.

${(await Promise.all(Object.values(commands).map(async (load) => (await load()).usage))).join('\n\n')}`;

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
    const asked = commands[args[0] ?? ''];
    io.out(asked ? (await asked()).usage : await usage());
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`unknown command '${name}'\n${await usage()}`);
    return 2;
  }
  const command = await load();
  if (asksForHelp(args)) {
    io.out(command.usage);
    return 0;
  }
  return command.run(args, io);
}
