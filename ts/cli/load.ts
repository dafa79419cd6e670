// Opening the dump a command names, with the flags every dump command shares.

import { decodeTimed, type DecodeResult } from '../decode/decode';
import { parseBackendChoice } from '../decode/select';
import { HeapGraph } from '../graph/heap-graph';
import { flagValue, SAMPLE_DUMP, UsageError, type Args } from './command';
import { ProgressBar } from './progress';

/** Flags of every command that reads a dump. */
export const DUMP_FLAGS = ['--json', '--backend NAME', '--salvage', '--window BYTES'];

export function dumpPath(args: Args): string {
  return args.positional[0] ?? SAMPLE_DUMP;
}

export async function loadDump(args: Args): Promise<DecodeResult> {
  // Without --backend, GOHEAP_BACKEND (or auto) decides, in selectBackend.
  const flag = flagValue(args, '--backend');
  const backend = flag === undefined ? undefined : parseBackendChoice(flag, '--backend');
  const window = flagValue(args, '--window');
  const bar = ProgressBar.forStderr('decoding');
  try {
    return await decodeTimed(dumpPath(args), {
      backend,
      salvage: args.flags.has('--salvage'),
      windowSize: window === undefined ? undefined : Number(window),
      onProgress: bar === null ? undefined : (p) => bar.update(p),
    });
  } finally {
    bar?.done();
  }
}

export async function loadGraph(args: Args): Promise<HeapGraph> {
  const { tables } = await loadDump(args);
  return new HeapGraph(tables);
}

/** Parses an address argument: 0x-prefixed hex or decimal. */
export function parseAddress(text: string | undefined): bigint {
  if (text === undefined || !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(text)) {
    throw new UsageError(`expected an address such as 0xc000012345, not "${text ?? ''}"`);
  }
  return BigInt(text);
}
