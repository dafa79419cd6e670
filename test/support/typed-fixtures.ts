// Fixture dumps opened with type recovery, and the program binaries scripts/build-fixtures.js
// keeps beside the fresh dumps (test/fixtures/out/go<version>/<program>). Committed dumps have
// no binary; where Go is installed the fresh ones must exist, and tests fail when they do not.
import * as fs from 'fs';
import * as path from 'path';
import { decodeDump } from '../../ts/decode/decode';
import { HeapGraph } from '../../ts/graph/heap-graph';
import { GoBinary } from '../../ts/types/go-binary';
import { recoverTypes, type TypeRecovery } from '../../ts/types/recover';
import { listFixtures, type Fixture } from './fixtures';

/** Whether a Go toolchain is on PATH (then build-fixtures.js made fresh dumps and binaries). */
export function goInstalled(): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      fs.accessSync(path.join(dir, 'go'), fs.constants.X_OK);
      return true;
    } catch {
      // next directory
    }
  }
  return false;
}

export const GO_INSTALLED = goInstalled();

/** The program binary of a fresh fixture, or null. */
export function fixtureBinary(fixture: Fixture): string | null {
  if (!fixture.fresh) return null;
  const binary = path.join(path.dirname(fixture.path), fixture.name);
  return fs.existsSync(binary) ? binary : null;
}

/** Fresh fixtures of `name` that have their binary. */
export function freshWithBinary(name: string): { fixture: Fixture; binary: string }[] {
  return listFixtures({ name, fresh: true })
    .map((fixture) => ({ fixture, binary: fixtureBinary(fixture) }))
    .filter((f): f is { fixture: Fixture; binary: string } => f.binary !== null);
}

export interface TypedFixture {
  graph: HeapGraph;
  binary: GoBinary | null;
  recovery: TypeRecovery;
}

export async function openTyped(fixture: Fixture, binaryPath: string | null): Promise<TypedFixture> {
  const tables = await decodeDump(fixture.path);
  const graph = new HeapGraph(tables);
  let binary: GoBinary | null = null;
  if (binaryPath !== null) {
    binary = GoBinary.open(binaryPath);
    binary.matchDump(tables);
  }
  return { graph, binary, recovery: recoverTypes(graph, { dump: fixture.path, binary }) };
}

/** Objects per recovered type name (reachable or not). */
export function typeCounts(typed: TypedFixture): Map<string, number> {
  const counts = new Map<string, number>();
  const { objectTypeIndex, typeNames } = typed.recovery;
  for (let i = 0; i < objectTypeIndex.length; i++) {
    if (objectTypeIndex[i] < 0) continue;
    const name = typeNames.names[objectTypeIndex[i]];
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/**
 * The name an object stored in an interface gets, from the manifest's interface entry: the
 * dump's lossy `main.` for `*main.point` is the pointer type, so its objects are `main.point`
 * with the binary (and `main.?` without).
 */
export function expectedObjectType(manifestName: string, fixture: Fixture, withBinary: boolean): string {
  if (!manifestName.endsWith('.')) return manifestName;
  if (!withBinary) return `${manifestName}?`;
  const pointer = Object.keys(fixture.manifest.types).find((t) => t.startsWith(`*${manifestName}`));
  if (pointer === undefined) throw new Error(`no pointer type for ${manifestName} in the manifest of ${fixture.name}`);
  return pointer.slice(1);
}

export const GO_TITLE = GO_INSTALLED ? 'Go installed' : 'Go not installed: no fresh fixtures or binaries, checks skipped';
