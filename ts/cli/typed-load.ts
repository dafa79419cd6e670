// Opening a dump with type recovery: the `--binary PATH` flag, the check that the binary wrote
// the dump, and the names it gives to globals and objects.

import type { RootNaming } from '../analysis/retainers';
import type { HeapGraph } from '../graph/heap-graph';
import { GoBinary } from '../types/go-binary';
import { objectTypeName, recoverTypes, type TypeRecovery } from '../types/recover';
import { flagValue, type Args, type Io } from './command';
import { dumpPath, loadDump } from './load';
import { HeapGraph as Graph } from '../graph/heap-graph';

export const BINARY_FLAG = '--binary PATH';

export interface TypedDump {
  graph: HeapGraph;
  binary: GoBinary | null;
  recovery: TypeRecovery;
  naming: RootNaming;
}

/** Loads the dump and its graph, reads `--binary` (warnings go to stderr) and recovers types. */
export async function loadTypedDump(args: Args, io: Io): Promise<TypedDump> {
  const { tables } = await loadDump(args);
  const graph = new Graph(tables);
  const binaryPath = flagValue(args, '--binary');
  let binary: GoBinary | null = null;
  if (binaryPath !== undefined) {
    binary = GoBinary.open(binaryPath);
    binary.matchDump(tables);
    for (const warning of binary.warnings) io.err(`goheap: warning: ${warning}`);
  }
  const recovery = recoverTypes(graph, { dump: dumpPath(args), binary });
  const naming: RootNaming = {
    globalAt: binary === null ? undefined : (address) => binary!.globalAt(address),
    objectType: (objectIndex) => objectTypeName(recovery, objectIndex),
  };
  return { graph, binary, recovery, naming };
}
