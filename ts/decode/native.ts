// The native backend: loads build/Release/goheap_native.node (native/addon.cc over the C++
// core in native/core) and wraps it in the Backend interface. Loading happens once, on first
// use; a failure is one message saying why and what to do, and goheap then runs on wasm.

import * as fs from 'fs';
import * as path from 'path';
import type { PointerResolver } from '../graph/address-index';
import type { DominatorResult } from '../graph/dominators';
import type { Backend, WindowDecoder, WindowOutput } from './backend';

/** Must equal kAddonAbiVersion in native/addon.cc (and ADDON_ABI_VERSION in scripts/install-native.js). */
const ADDON_ABI_VERSION = 3;
/** The addon is compiled with NAPI_VERSION=8. */
const REQUIRED_NAPI_VERSION = 8;
/** Overrides where the addon is loaded from (tests use it to force the fallback). */
const ADDON_PATH_VARIABLE = 'GOHEAP_NATIVE_ADDON';

interface NativeDecoderHandle {
  decodeWindow(window: Uint8Array, windowOffset: number, state: Int32Array): Promise<WindowOutput>;
  close(): void;
  retainedBytes(): number;
}

interface NativeAddon {
  abiVersion: number;
  napiVersion: number;
  decodeStatus: Record<string, number>;
  Decoder: new () => NativeDecoderHandle;
  /** native/core/graph.h PointerIndex over an objects table in address order. */
  Resolver: new (addressLo: Uint32Array, addressHi: Uint32Array, size: Uint32Array) => PointerResolver;
  /** native/core/graph.h ComputeDominators (SEMI-NCA), on the calling thread. */
  dominators(firstEdgeIndex: Uint32Array, edgeTarget: Uint32Array, root: number): DominatorResult;
  /** native/core/scan.h ScanRecords: the bare record walk the benchmarks use as their ceiling. */
  scan?(window: Uint8Array, state: Int32Array): NativeScanResult;
}

/** What the addon's bare scan of one window reports (errorOffset is relative to the window). */
export interface NativeScanResult {
  status: number;
  consumed: number;
  errorOffset: number;
  records: number;
  objects: number;
  pointerFields: number;
}

export interface NativeLoad {
  backend: Backend | null;
  /** Why the native backend cannot be used, with what to do about it; null when it loaded. */
  error: string | null;
}

/** The package root: this file is ts/decode/native.ts or dist/decode/native.js. */
const packageRoot = path.resolve(__dirname, '..', '..');
export const NATIVE_ADDON_PATH = path.join(packageRoot, 'build', 'Release', 'goheap_native.node');
const BUILD_ERROR_PATH = path.join(packageRoot, 'build', 'native-error.txt');
const REBUILD_ADVICE = 'goheap uses its WebAssembly decoder instead. To build the native one, install a ' +
  'C++17 compiler, make and Python 3, then run `npm rebuild goheap` (in a goheap checkout: `npm run build:native`).';

/** The reason scripts/install-native.js recorded, if the last build failed. */
function recordedBuildError(): string | null {
  try {
    const text = fs.readFileSync(BUILD_ERROR_PATH, 'utf8').trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

function addonPath(): string {
  const override = process.env[ADDON_PATH_VARIABLE];
  return override !== undefined && override !== '' ? path.resolve(override) : NATIVE_ADDON_PATH;
}

function describeLoadFailure(file: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (code === 'MODULE_NOT_FOUND' || !fs.existsSync(file)) {
    const buildError = recordedBuildError();
    const why = buildError !== null ? `its build failed: ${buildError}` : 'it was never built (install scripts skipped?)';
    return `the native decoder is not available: ${file} does not exist, ${why}. ${REBUILD_ADVICE}`;
  }
  return `the native decoder at ${file} could not be loaded (${code ?? 'error'}: ${message}); it was ` +
    `probably built for another Node.js version, platform or CPU. ${REBUILD_ADVICE}`;
}

function checkAddon(file: string, addon: Partial<NativeAddon>): string | null {
  if (addon.abiVersion !== ADDON_ABI_VERSION || typeof addon.Decoder !== 'function') {
    return `the native decoder at ${file} was built from another goheap version (addon ABI ` +
      `${String(addon.abiVersion)}, expected ${ADDON_ABI_VERSION}). ${REBUILD_ADVICE}`;
  }
  return null;
}

/**
 * Closed decoders whose scratch memory is small are kept for the next createDecoder(): a fresh
 * one pays for growing its columns again (about as long as decoding its first window).
 */
const POOL_SIZE = 2;
const POOL_MAX_RETAINED_BYTES = 64 << 20;

class DecoderPool {
  private readonly idle: NativeDecoderHandle[] = [];

  constructor(private readonly Decoder: new () => NativeDecoderHandle) {}

  take(): NativeDecoderHandle {
    return this.idle.pop() ?? new this.Decoder();
  }

  /** Takes back a handle that has no call running. */
  give(handle: NativeDecoderHandle): void {
    if (this.idle.length < POOL_SIZE && handle.retainedBytes() <= POOL_MAX_RETAINED_BYTES) {
      this.idle.push(handle);
    } else {
      handle.close();
    }
  }
}

function closedError(): Error {
  return Object.assign(new Error('decodeWindow: this decoder was closed'), { code: 'GOHEAP_DECODER_CLOSED' });
}

class NativeWindowDecoder implements WindowDecoder {
  private handle: NativeDecoderHandle | null;
  private running = false;

  constructor(private readonly pool: DecoderPool) {
    this.handle = pool.take();
  }

  decodeWindow(window: Uint8Array, windowOffset: number, state: Int32Array): Promise<WindowOutput> {
    const handle = this.handle;
    if (handle === null) return Promise.reject(closedError());
    let pending: Promise<WindowOutput>;
    try {
      pending = handle.decodeWindow(window, windowOffset, state);
    } catch (error) {
      // Argument errors are thrown synchronously by the addon; callers await a promise.
      return Promise.reject(error);
    }
    this.running = true;
    const settled = () => {
      this.running = false;
    };
    pending.then(settled, settled);
    return pending;
  }

  close(): void {
    const handle = this.handle;
    if (handle === null) return;
    this.handle = null;
    // A handle with a call running frees its scratch once the call ends; it is not reused.
    if (this.running) handle.close();
    else this.pool.give(handle);
  }
}

let loaded: NativeLoad | null = null;

/** Loads the native addon once and remembers the outcome. */
export function loadNativeBackend(): NativeLoad {
  if (loaded !== null) return loaded;
  const napiVersion = Number(process.versions.napi ?? 0);
  if (napiVersion < REQUIRED_NAPI_VERSION) {
    loaded = {
      backend: null,
      error: `this Node.js offers N-API ${napiVersion}; the native decoder needs ${REQUIRED_NAPI_VERSION} ` +
        '(Node.js 20 or newer). goheap uses its WebAssembly decoder instead.',
    };
    return loaded;
  }
  const file = addonPath();
  let addon: Partial<NativeAddon>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(file) as Partial<NativeAddon>;
  } catch (error) {
    loaded = { backend: null, error: describeLoadFailure(file, error) };
    return loaded;
  }
  const mismatch = checkAddon(file, addon);
  if (mismatch !== null) {
    loaded = { backend: null, error: mismatch };
    return loaded;
  }
  const native = addon as NativeAddon;
  const pool = new DecoderPool(native.Decoder);
  const backend: Backend = {
    name: 'native',
    createDecoder: () => new NativeWindowDecoder(pool),
    createResolver: (objects) => new native.Resolver(objects.addressLo, objects.addressHi, objects.size),
    dominators: (graph, root) => native.dominators(graph.firstEdgeIndex, graph.edgeTarget, root),
  };
  loaded = { backend, error: null };
  return loaded;
}

/** The status numbers compiled into the addon (native/core/status.h), or null without it. */
export function nativeDecodeStatusValues(): Readonly<Record<string, number>> | null {
  if (loadNativeBackend().backend === null) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(addonPath()) as NativeAddon).decodeStatus;
}

/** The addon's bare record scan (the benchmarks' ceiling), or null without a native addon that has it. */
export function nativeScan(): ((window: Uint8Array, state: Int32Array) => NativeScanResult) | null {
  if (loadNativeBackend().backend === null) return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(addonPath()) as NativeAddon;
  return typeof addon.scan === 'function' ? addon.scan.bind(addon) : null;
}
