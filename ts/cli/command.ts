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

/** A mistake in how goheap was called: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A --limit style flag: a positive whole number, or the default when absent. */
export function positiveIntegerFlag(args: Args, name: string, fallback: number): number {
  const text = flagValue(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive whole number, not "${text}"`);
  return value;
}

export function flagValue(args: Args, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}
