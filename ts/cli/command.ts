// What a CLI command is: a declaration plus a run function. Commands print through `io`
// and return an exit code; only main.ts touches process.

import { join } from 'path';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** Flags this command accepts; a flag that takes a value names it ("--backend NAME"). */
  flags: string[];
  run(args: Args, io: Io): Promise<number>;
}

/** The small real dump that ships with the package, analysed when no dump is named. */
export const SAMPLE_DUMP = join(__dirname, '..', '..', 'testdata', 'sample.heapdump.gz');

export function flagValue(args: Args, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}
