// The wasm backend: the AssemblyScript decoder in assembly/, compiled by scripts/build-wasm.js
// and embedded base64 in ./wasm-module (generated). Only numbers cross the boundary: each
// window is copied into linear memory once, and the outputs are read through typed-array
// views over that memory, rebuilt whenever memory grows or the module lays its columns out
// again. Each open decoder owns one instance, so decoders share no mutable state; closed
// decoders hand their instance to the next one.
//
// The same module also serves pointer resolvers (assembly/resolve.ts): each resolver owns an
// instance of its own, holding the objects' addresses and sizes, through which values pass in
// chunks (WasmPointerResolver below).

import { JsPointerResolver, type PointerResolver } from '../graph/address-index';
import type { ObjectTable } from '../tables/dump-tables';
import type { Backend, WindowDecoder, WindowOutput } from './backend';
import { STATE_LENGTH } from './status';

// Node has WebAssembly, but this package's type setup (lib ES2022, @types/node 20) declares
// none of it; these are the few members used here (they emit no code).
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
  interface ModuleDescriptor {
    readonly name: string;
    readonly kind: string;
  }
  class Module {
    constructor(bytes: Uint8Array);
    static exports(module: Module): ModuleDescriptor[];
    static imports(module: Module): ModuleDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: object;
  }
}

/** The module's exports (assembly/index.ts). */
interface DecoderExports {
  readonly memory: WebAssembly.Memory;
  statusPointer(): number;
  statePointer(): number;
  windowPointer(): number;
  columnPointer(column: number): number;
  reserve(windowBytes: number): number;
  limitOutput(objectRows: number, fieldRows: number, streamWords: number): void;
  decodeWindow(windowLength: number, offsetLo: number, offsetHi: number): number;
}

/** The module's resolver exports (assembly/resolve.ts). */
interface ResolverExports {
  readonly memory: WebAssembly.Memory;
  reserveResolver(objectCount: number): number;
  loadObjects(firstObject: number, rows: number): void;
  indexObjects(): void;
  resolveBatch(rows: number): void;
  resolverBatchRows(): number;
  resolverBatchPointer(column: number): number;
}

const EXPORTED_FUNCTIONS = [
  'statusPointer', 'statePointer', 'windowPointer', 'columnPointer', 'reserve', 'limitOutput',
  'decodeWindow', 'reserveResolver', 'loadObjects', 'indexObjects', 'resolveBatch',
  'resolverBatchRows', 'resolverBatchPointer',
] as const;

// Status block fields, in 4-byte words from statusPointer() (assembly/layout.ts STATUS_*).
const STATUS_CODE = 0;
const STATUS_CONSUMED = 1;
const STATUS_ERROR_TAG = 2;
const STATUS_OBJECT_COUNT = 3;
const STATUS_FIELD_COUNT = 4;
const STATUS_STREAM_LENGTH = 5;
const STATUS_GENERATION = 6;
/** errorOffset and recordOffset, f64, from this byte of the status block. */
const STATUS_OFFSETS_BYTE = 32;
const STATUS_WORDS = 8;

// Output columns (assembly/layout.ts COLUMN_*).
const enum Column {
  ObjectAddressLo = 0,
  ObjectAddressHi = 1,
  ObjectSize = 2,
  ObjectContentOffset = 3,
  ObjectFirstWordLo = 4,
  ObjectFirstWordHi = 5,
  ObjectFieldCount = 6,
  FieldOffset = 7,
  FieldValueLo = 8,
  FieldValueHi = 9,
  Stream = 10,
}
const COLUMN_COUNT = 11;

/** decodeWindow's answer when output columns could not grow (not an ABI status). */
const MEMORY_EXHAUSTED = -1;
const TWO_POW_32 = 4294967296;
/** Largest window the module takes: its length travels as a u32. */
const MAX_WINDOW_BYTES = 0xffff_0000;

/** Test-only knobs of a wasm decoder. */
export interface WasmDecoderOptions {
  /**
   * Fixed output capacities (rows per object / pointer-word column, words of stream), to
   * force OUTPUT_FULL and column growth in tests. 0 or absent: the default for that group.
   */
  outputLimits?: { objects?: number; fields?: number; streamWords?: number };
}

/**
 * Instances of closed decoders, ready for the next decoder: instantiating and growing a fresh
 * memory costs about 2 ms, which dominates small dumps. A pooled instance belongs to one
 * decoder at a time and carries nothing over (state, window and outputs are rewritten by
 * every call; output limits are reset on return).
 */
const idleInstances: DecoderExports[] = [];
const MAX_IDLE_INSTANCES = 1;
/** Instances whose memory grew past this are dropped on close instead of pooled. */
const MAX_POOLED_MEMORY_BYTES = 128 << 20;

let compiled: WebAssembly.Module | null = null;
let loaded: { backend: Backend | null; error: string | null } | null = null;

/**
 * The wasm backend, or why it is unavailable (the generated module is missing or does not
 * compile). Compiles the module once; every decoder instantiates it anew.
 */
export function loadWasmBackend(): { backend: Backend | null; error: string | null } {
  if (loaded) return loaded;
  try {
    compiled = compileModule();
    loaded = { backend: wasmBackend, error: null };
  } catch (err) {
    loaded = { backend: null, error: err instanceof Error ? err.message : String(err) };
  }
  return loaded;
}

const wasmBackend: Backend = {
  name: 'wasm',
  createDecoder: () => createWasmDecoder(),
  createResolver: (objects) => createWasmResolver(objects),
};

/** A wasm window decoder with its own module instance. */
export function createWasmDecoder(options: WasmDecoderOptions = {}): WindowDecoder {
  if (!compiled) {
    const { error } = loadWasmBackend();
    if (!compiled) throw new Error(`wasm backend unavailable: ${error}`);
  }
  const wasm = idleInstances.pop()
    ?? (new WebAssembly.Instance(compiled, {}).exports as unknown as DecoderExports);
  return new WasmWindowDecoder(wasm, options);
}

/** Takes back the instance of a closed decoder, unless its memory grew large. */
function releaseInstance(wasm: DecoderExports): void {
  if (idleInstances.length >= MAX_IDLE_INSTANCES) return;
  if (wasm.memory.buffer.byteLength > MAX_POOLED_MEMORY_BYTES) return;
  wasm.limitOutput(0, 0, 0);
  idleInstances.push(wasm);
}

function compileModule(): WebAssembly.Module {
  let base64: string;
  try {
    // Generated by `npm run build:wasm`; required lazily so a missing build is a reason, not a crash.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    base64 = (require('./wasm-module') as { WASM_BASE64: string }).WASM_BASE64;
  } catch {
    throw new Error('the wasm decoder is not built (ts/decode/wasm-module.ts is missing); run `npm run build:wasm`');
  }
  const wasmModule = new WebAssembly.Module(Buffer.from(base64, 'base64'));
  const names = new Set(WebAssembly.Module.exports(wasmModule).map((e) => e.name));
  for (const name of [...EXPORTED_FUNCTIONS, 'memory']) {
    if (!names.has(name)) throw new Error(`the wasm decoder module lacks the export ${name}; rebuild it`);
  }
  if (WebAssembly.Module.imports(wasmModule).length !== 0) {
    throw new Error('the wasm decoder module expects imports; rebuild it');
  }
  return wasmModule;
}

class WasmWindowDecoder implements WindowDecoder {
  private wasm: DecoderExports | null;
  private readonly statusPointer: number;
  private readonly statePointer: number;
  private readonly windowPointer: number;
  // Views over linear memory; rebuilt when memory.buffer or the layout generation changes.
  private buffer: ArrayBuffer | null = null;
  private generation = -1;
  private bytes = new Uint8Array(0);
  private status = new Int32Array(0);
  private offsets = new Float64Array(0);
  private state = new Int32Array(0);
  private readonly columnPointers = new Array<number>(COLUMN_COUNT).fill(0);

  constructor(wasm: DecoderExports, options: WasmDecoderOptions) {
    this.wasm = wasm;
    // Addresses are u32; above 2 GiB the i32 the export returns reads as negative.
    this.statusPointer = wasm.statusPointer() >>> 0;
    this.statePointer = wasm.statePointer() >>> 0;
    this.windowPointer = wasm.windowPointer() >>> 0;
    const limits = options.outputLimits;
    if (limits) wasm.limitOutput(limits.objects ?? 0, limits.fields ?? 0, limits.streamWords ?? 0);
  }

  decodeWindow(window: Uint8Array, windowOffset: number, state: Int32Array): WindowOutput {
    const wasm = this.wasm;
    if (!wasm) throw new Error('decodeWindow on a closed wasm decoder');
    const length = window.length;
    if (length > MAX_WINDOW_BYTES) {
      throw new RangeError(`wasm decoder: a window of ${length} bytes is larger than ${MAX_WINDOW_BYTES}`);
    }
    if (!wasm.reserve(length)) {
      throw new RangeError(`wasm decoder: linear memory cannot hold a window of ${length} bytes`);
    }
    this.refreshViews(wasm);
    this.bytes.set(window, this.windowPointer);
    this.state.set(state.subarray(0, STATE_LENGTH));

    const code = wasm.decodeWindow(length, windowOffset >>> 0, Math.floor(windowOffset / TWO_POW_32));
    if (code === MEMORY_EXHAUSTED) {
      throw new RangeError('wasm decoder: linear memory cannot hold the outputs of one record');
    }
    this.refreshViews(wasm);
    state.set(this.state);
    return this.output();
  }

  close(): void {
    if (this.wasm) releaseInstance(this.wasm);
    this.wasm = null;
    this.buffer = null;
    this.bytes = new Uint8Array(0);
    this.status = new Int32Array(0);
    this.offsets = new Float64Array(0);
    this.state = new Int32Array(0);
  }

  /** Rebuilds the views when memory grew (new buffer) or the columns moved (new generation). */
  private refreshViews(wasm: DecoderExports): void {
    const buffer = wasm.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.bytes = new Uint8Array(buffer);
      this.status = new Int32Array(buffer, this.statusPointer, STATUS_WORDS);
      this.offsets = new Float64Array(buffer, this.statusPointer + STATUS_OFFSETS_BYTE, 2);
      this.state = new Int32Array(buffer, this.statePointer, STATE_LENGTH);
    }
    const generation = this.status[STATUS_GENERATION];
    if (generation !== this.generation) {
      this.generation = generation;
      for (let column = 0; column < COLUMN_COUNT; column++) {
        this.columnPointers[column] = wasm.columnPointer(column) >>> 0;
      }
    }
  }

  private u32Column(column: Column, length: number): Uint32Array {
    return new Uint32Array(this.buffer as ArrayBuffer, this.columnPointers[column], length);
  }

  /** The status block and column prefixes as a WindowOutput of views into linear memory. */
  private output(): WindowOutput {
    const status = this.status;
    const objects = status[STATUS_OBJECT_COUNT] >>> 0;
    const fields = status[STATUS_FIELD_COUNT] >>> 0;
    const words = status[STATUS_STREAM_LENGTH] >>> 0;
    return {
      status: status[STATUS_CODE],
      consumed: status[STATUS_CONSUMED] >>> 0,
      errorOffset: this.offsets[0],
      errorTag: status[STATUS_ERROR_TAG],
      recordOffset: this.offsets[1],
      objectCount: objects,
      objectAddressLo: this.u32Column(Column.ObjectAddressLo, objects),
      objectAddressHi: this.u32Column(Column.ObjectAddressHi, objects),
      objectSize: this.u32Column(Column.ObjectSize, objects),
      objectContentOffset: new Float64Array(
        this.buffer as ArrayBuffer, this.columnPointers[Column.ObjectContentOffset], objects),
      objectFirstWordLo: this.u32Column(Column.ObjectFirstWordLo, objects),
      objectFirstWordHi: this.u32Column(Column.ObjectFirstWordHi, objects),
      objectFieldCount: this.u32Column(Column.ObjectFieldCount, objects),
      fieldCount: fields,
      fieldOffset: this.u32Column(Column.FieldOffset, fields),
      fieldValueLo: this.u32Column(Column.FieldValueLo, fields),
      fieldValueHi: this.u32Column(Column.FieldValueHi, fields),
      streamLength: words,
      stream: this.u32Column(Column.Stream, words),
    };
  }
}

/**
 * A pointer resolver over `objects` (in address order) running in a wasm instance of its own.
 * When wasm32 memory cannot hold the objects (about 20 B each, so beyond some 200 million
 * objects) it is the js resolver instead, which gives the same answers.
 */
export function createWasmResolver(objects: ObjectTable): PointerResolver {
  if (!compiled) {
    const { error } = loadWasmBackend();
    if (!compiled) throw new Error(`wasm backend unavailable: ${error}`);
  }
  const wasm = new WebAssembly.Instance(compiled, {}).exports as unknown as ResolverExports;
  if (!wasm.reserveResolver(objects.count)) return new JsPointerResolver(objects);
  return new WasmPointerResolver(wasm, objects);
}

/**
 * Copies the objects' columns into the instance once, chunk by chunk through its batch
 * columns, then resolves each batch of values a chunk at a time: values in, objectIndex out.
 * Linear memory does not grow after the constructor.
 */
class WasmPointerResolver implements PointerResolver {
  private wasm: ResolverExports | null;
  private readonly batchRows: number;
  // The three batch columns (assembly/layout.ts, resolver instances): addressLo, addressHi
  // and size while loading; valueLo, valueHi and out while resolving.
  private column0: Uint32Array;
  private column1: Uint32Array;
  private column2: Uint32Array;
  private outColumn: Int32Array;

  constructor(wasm: ResolverExports, objects: ObjectTable) {
    this.wasm = wasm;
    // Memory grew in reserveResolver and grows no more, so these views stay valid.
    const buffer = wasm.memory.buffer;
    const rows = wasm.resolverBatchRows() >>> 0;
    this.batchRows = rows;
    this.column0 = new Uint32Array(buffer, wasm.resolverBatchPointer(0) >>> 0, rows);
    this.column1 = new Uint32Array(buffer, wasm.resolverBatchPointer(1) >>> 0, rows);
    this.column2 = new Uint32Array(buffer, wasm.resolverBatchPointer(2) >>> 0, rows);
    this.outColumn = new Int32Array(buffer, wasm.resolverBatchPointer(2) >>> 0, rows);

    const { count, addressLo, addressHi, size } = objects;
    for (let first = 0; first < count; first += rows) {
      const end = Math.min(count, first + rows);
      this.column0.set(addressLo.subarray(first, end));
      this.column1.set(addressHi.subarray(first, end));
      this.column2.set(size.subarray(first, end));
      wasm.loadObjects(first, end - first);
    }
    wasm.indexObjects();
  }

  resolve(valueLo: Uint32Array, valueHi: Uint32Array, out: Int32Array): void {
    const wasm = this.wasm;
    if (!wasm) throw new Error('resolve on a closed wasm resolver');
    const length = valueLo.length;
    if (valueHi.length < length || out.length < length) {
      throw new RangeError(`wasm resolver: ${length} values need as many high words and outputs ` +
        `(got ${valueHi.length} and ${out.length})`);
    }
    const rows = this.batchRows;
    for (let first = 0; first < length; first += rows) {
      const end = Math.min(length, first + rows);
      this.column0.set(valueLo.subarray(first, end));
      this.column1.set(valueHi.subarray(first, end));
      wasm.resolveBatch(end - first);
      out.set(this.outColumn.subarray(0, end - first), first);
    }
  }

  close(): void {
    // Dropping the instance and every view of its memory leaves the objects' copy to the
    // garbage collector.
    this.wasm = null;
    this.column0 = new Uint32Array(0);
    this.column1 = new Uint32Array(0);
    this.column2 = new Uint32Array(0);
    this.outColumn = new Int32Array(0);
  }
}
