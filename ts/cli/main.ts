// The goheap command: argv parsing and dispatch, returning the exit code. bin/goheap.js
// connects it to the terminal; nothing else in goheap prints or exits.

import { DumpFormatError, BackendUnavailableError } from '../errors';
import { UsageError, type Args, type Command, type Io } from './command';
import { benchCommand } from './commands/bench';
import { batch } from './commands/batch';
import { doctor } from './commands/doctor';
import { garbage } from './commands/garbage';
import { goroutinesCommand } from './commands/goroutines';
import { histogramCommand } from './commands/histogram';
import { object } from './commands/object';
import { path } from './commands/path';
import { summary } from './commands/summary';
import { top } from './commands/top';
import { ElfFormatError } from '../types/elf';
import { BinaryMismatchError } from '../types/go-binary';

const COMMANDS: Command[] = [summary, top, path, object, garbage, doctor, histogramCommand, goroutinesCommand, benchCommand, batch];
const DEFAULT_COMMAND = summary;

function usage(): string {
  const lines = [
    'goheap: read and explain Go heap dumps (runtime/debug.WriteHeapDump)',
    '',
    'usage: goheap [COMMAND] [DUMP] [flags]',
    '       with no command, summary; with no DUMP, the small sample dump shipped with goheap',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}\n  ${' '.repeat(10)} ${c.usage}`),
    '',
    'environment: GOHEAP_BACKEND=auto|native|wasm|js picks the decoder (a named one must load).',
  ];
  return lines.join('\n');
}


export function parseArgs(argv: string[], command: Command): Args {
  const args: Args = { positional: [], flags: new Map() };
  const takesValue = new Map(command.flags.map((f) => [f.split(' ')[0], f.includes(' ')]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      args.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split('=', 2) as [string, string | undefined];
    if (!takesValue.has(name)) throw new UsageError(`unknown flag ${name} for "goheap ${command.name}"`);
    if (takesValue.get(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      args.flags.set(name, value);
    } else {
      args.flags.set(name, true);
    }
  }
  return args;
}

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(usage());
    return 0;
  }
  if (argv[0] === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    io.out(require('../../package.json').version);
    return 0;
  }
  const named = COMMANDS.find((c) => c.name === argv[0]);
  const command = named ?? DEFAULT_COMMAND;
  const rest = named ? argv.slice(1) : argv;
  try {
    if (rest.includes('--help')) {
      io.out(`${command.usage}\n  ${command.summary}`);
      return 0;
    }
    return await command.run(parseArgs(rest, command), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`goheap: ${error.message}\n${command.usage}`);
      return 2;
    }
    if (error instanceof DumpFormatError || error instanceof BackendUnavailableError) {
      io.err(`goheap: ${error.message}`);
      if (error instanceof DumpFormatError && error.code !== 'BAD_HEADER') {
        io.err('goheap: --salvage keeps the whole records before the damage');
      }
      return 1;
    }
    if (error instanceof BinaryMismatchError || error instanceof ElfFormatError) {
      io.err(`goheap: --binary: ${error.message}`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.err(`goheap: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}
