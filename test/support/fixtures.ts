// Real heap dumps for the tests: the small gzipped ones committed under
// test/fixtures/dumps, the ones scripts/build-fixtures.js builds under
// test/fixtures/out with the Go toolchains of this machine, the sample the
// package ships, and the public Go 1.5.1 dump in ../shared/testdata.
//
// Every fixture comes with the manifest its Go program wrote (see
// test/fixtures/go/internal/fixture/fixture.go for the meaning of each field).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** The repository root (this file is test/support/fixtures.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const COMMITTED_DUMPS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'dumps');
export const FRESH_DUMPS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'out');

/**
 * The public Go 1.5.1 darwin/amd64 dump (1,130,129 bytes, `go1.5 heap dump`).
 * shared/ sits beside the repository (CI clones it the same way), so this is
 * resolved from the repository root, never from an absolute path.
 */
export const PUBLIC_SAMPLE = path.resolve(REPO_ROOT, '..', 'shared', 'testdata', 'go1.5.1-darwin-amd64.heapdump');

/** The sample the package ships (what `npx goheap` opens without an argument). */
export const PACKAGE_SAMPLE = path.join(REPO_ROOT, 'testdata', 'sample.heapdump.gz');
export const PACKAGE_SAMPLE_MANIFEST = path.join(REPO_ROOT, 'testdata', 'sample.heapdump.json');

/** An address as the manifest writes it: "0x" and lowercase hex digits. */
export type HexAddress = string;

export interface ManifestGlobal {
  /** Symbol name of the package-level variable, e.g. "main.listHead". */
  name: string;
  /** &variable: an address inside the dump's data or bss segment. */
  address: HexAddress;
  /** The first word stored in the variable (pointer, slice data, map header). */
  value: HexAddress;
  holds: string;
  segment?: 'bss' | 'data';
}

export interface ManifestGroup {
  name: string;
  /** Go type name of one element (or a closure's function name). */
  typeName: string;
  count: number;
  /** unsafe.Sizeof of one value; the dumped slot is its size class (+8 with malloc headers). */
  size: number;
  pointerful: boolean;
  heldBy: string;
  /** Go pointer values of the objects (slot + 8 with malloc headers); absent for large groups. */
  addresses?: HexAddress[];
}

export interface ManifestType {
  /** Address of the type descriptor (the malloc-header word, an itab's type). */
  address: HexAddress;
  size: number;
}

export type GoroutineKind = 'chan-receive' | 'chan-send' | 'select' | 'mutex' | 'cond' | 'finalizer-blocker';

export interface ManifestGoroutine {
  id: number;
  kind: GoroutineKind;
  /** A function with a frame on the goroutine's stack. */
  function: string;
  /** The wait reason runtime.Stack printed just before the dump (same text as the dump). */
  waitReason: string;
  /** Extra frames of the same function below the blocking one. */
  recursionDepth: number;
  /** Heap object a stack slot points at ("" for the finalizer blocker). */
  payload: HexAddress;
  /** What only that stack slot keeps alive. */
  payloadRetainedBytes: number;
}

export interface ManifestFinalizerSet {
  /** Number of objects in the set (= addresses.length). */
  count: number;
  /** Bounds on how many of `addresses` the dump lists in records of this kind. */
  min: number;
  max: number;
  function: string;
  typeName: string;
  addresses: HexAddress[];
}

export interface ManifestFinalizers {
  registered: ManifestFinalizerSet;
  /** addresses[0] is the blocker, whose finalizer is running. */
  queued: ManifestFinalizerSet;
  blocker?: HexAddress;
}

export interface ManifestMemStats {
  heapAlloc: number;
  heapObjects: number;
  heapInuse: number;
  mallocs: number;
  frees: number;
  numGC: number;
}

export interface ManifestRetained {
  what: string;
  /** An address inside the object (a Go pointer value). */
  address: HexAddress;
  /** Exact retained size of that object, in dumped (slot) bytes. */
  bytes: number;
}

export interface ManifestExpect {
  retained?: ManifestRetained[];
  minObjects: number;
  minGoroutines: number;
  /** Interface data objects per concrete type name as the dump's Type records spell it. */
  interfaces?: Record<string, number>;
  /** Closure objects per function name (first word = that function's entry PC). */
  closures?: Record<string, number>;
  largeObjects?: number;
  /** MemProf and AllocSample records must be present. */
  memProf: boolean;
  /**
   * equal: object count = HeapObjects and summed sizes = HeapAlloc (Go 1.19);
   * superset: the dump also lists dead slots memstats counts as free (Go 1.26);
   * unknown: not measured for this version.
   */
  objectsVsMemStats: 'equal' | 'superset' | 'unknown';
  /** Whether an interface's itab/type word is among the listed pointer fields (false on 1.19 and 1.26). */
  interfaceItabWordListed: boolean;
}

/** The JSON a fixture program writes beside its dump. */
export interface FixtureManifest {
  schema: number;
  program: string;
  /** runtime.Version() of the program, e.g. "go1.26.8". */
  goVersion: string;
  goos: string;
  goarch: string;
  ptrSize: number;
  bigEndian: boolean;
  numCPU: number;
  memProfileRate: number;
  /** First line of the dump without the newline: "go1.7 heap dump". */
  dumpHeader: string;
  dumpFile: string;
  /** Go 1.22+: pointerful objects of 512 B < size <= 32 KiB start with their type descriptor address. */
  mallocHeaders: boolean;
  counts: Record<string, number>;
  globals: ManifestGlobal[];
  groups: ManifestGroup[];
  types: Record<string, ManifestType>;
  goroutines?: ManifestGoroutine[];
  finalizers?: ManifestFinalizers;
  memStats: ManifestMemStats;
  expect: ManifestExpect;
  notes?: string[];
}

export interface Fixture {
  /** Program name: tour, linked, ifaces, goroutines, sizes. */
  name: string;
  /** Go version that wrote the dump, e.g. "go1.19.8". */
  goVersion: string;
  /** Absolute path of the dump. */
  path: string;
  gzipped: boolean;
  manifest: FixtureManifest;
  /** True for a dump built on this machine (test/fixtures/out), false for a committed one. */
  fresh: boolean;
}

export interface FixtureFilter {
  name?: string;
  goVersion?: string;
  fresh?: boolean;
}

function readManifest(file: string): FixtureManifest {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FixtureManifest;
}

function listCommitted(): Fixture[] {
  if (!fs.existsSync(COMMITTED_DUMPS_DIR)) return [];
  const fixtures: Fixture[] = [];
  for (const file of fs.readdirSync(COMMITTED_DUMPS_DIR).sort()) {
    if (!file.endsWith('.heapdump.gz')) continue;
    const dump = path.join(COMMITTED_DUMPS_DIR, file);
    const manifestFile = dump.replace(/\.gz$/, '.json');
    if (!fs.existsSync(manifestFile)) continue;
    const manifest = readManifest(manifestFile);
    fixtures.push({ name: manifest.program, goVersion: manifest.goVersion, path: dump, gzipped: true, manifest, fresh: false });
  }
  return fixtures;
}

function listFresh(): Fixture[] {
  if (!fs.existsSync(FRESH_DUMPS_DIR)) return [];
  const fixtures: Fixture[] = [];
  for (const versionDir of fs.readdirSync(FRESH_DUMPS_DIR).sort()) {
    const dir = path.join(FRESH_DUMPS_DIR, versionDir);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.heapdump')) continue;
      const dump = path.join(dir, file);
      const manifestFile = `${dump}.json`;
      // A dump without its manifest is a build that failed half way.
      if (!fs.existsSync(manifestFile)) continue;
      const manifest = readManifest(manifestFile);
      fixtures.push({ name: manifest.program, goVersion: manifest.goVersion, path: dump, gzipped: false, manifest, fresh: true });
    }
  }
  return fixtures;
}

/**
 * The committed dumps plus, when present, the freshly built ones. A filter
 * narrows the list; with none, every fixture is returned (committed first).
 */
export function listFixtures(filter: FixtureFilter = {}): Fixture[] {
  return [...listCommitted(), ...listFresh()].filter(
    (f) =>
      (filter.name === undefined || f.name === filter.name) &&
      (filter.goVersion === undefined || f.goVersion === filter.goVersion) &&
      (filter.fresh === undefined || f.fresh === filter.fresh),
  );
}

/** The package sample as a fixture (always committed). */
export function packageSample(): Fixture {
  const manifest = readManifest(PACKAGE_SAMPLE_MANIFEST);
  return { name: manifest.program, goVersion: manifest.goVersion, path: PACKAGE_SAMPLE, gzipped: true, manifest, fresh: false };
}

/** The dump's bytes, gunzipped when needed. */
export function readFixtureBytes(fixture: Pick<Fixture, 'path' | 'gzipped'>): Buffer {
  const bytes = fs.readFileSync(fixture.path);
  return fixture.gzipped ? zlib.gunzipSync(bytes) : bytes;
}

/** Parses a manifest address into an exact bigint. */
export function parseAddress(address: HexAddress): bigint {
  return BigInt(address);
}

/** A test title for a fixture: "tour go1.26.8 (fresh)". */
export function fixtureLabel(fixture: Fixture): string {
  return `${fixture.name} ${fixture.goVersion} ${fixture.manifest.goarch} (${fixture.fresh ? 'fresh' : 'committed'})`;
}
