// The one interface every decoder backend implements. docs/decoder-abi.md is its contract.

import type { PointerResolver } from '../graph/address-index';
import type { Csr, DominatorResult } from '../graph/dominators';
import type { ObjectTable } from '../tables/dump-tables';

export type BackendName = 'native' | 'wasm' | 'js';

/** What a window call reports besides its outputs. */
export interface WindowResult {
  status: number;
  /** Bytes of the window holding whole records that were decoded. */
  consumed: number;
  /** Absolute file offset the status points at (see docs/decoder-abi.md). */
  errorOffset: number;
  /** Tag of the record that stopped the call, -1 when the tag itself was not read. */
  errorTag: number;
  /** Absolute file offset of the record that stopped the call. */
  recordOffset: number;
}

/**
 * The outputs of one window call. The arrays are views that stay valid only until the next
 * call on the same backend decoder; the caller copies them out.
 */
export interface WindowOutput extends WindowResult {
  objectCount: number;
  objectAddressLo: Uint32Array;
  objectAddressHi: Uint32Array;
  objectSize: Uint32Array;
  objectContentOffset: Float64Array;
  objectFirstWordLo: Uint32Array;
  objectFirstWordHi: Uint32Array;
  objectFieldCount: Uint32Array;
  fieldCount: number;
  fieldOffset: Uint32Array;
  fieldValueLo: Uint32Array;
  fieldValueHi: Uint32Array;
  streamLength: number;
  stream: Uint32Array;
}

/** One decode in progress: owns its scratch space, so several may run at once. */
export interface WindowDecoder {
  /**
   * Decodes the whole records at the start of `window` (file offset `windowOffset`), reading
   * and updating `state` (an Int32Array(STATE_LENGTH)).
   */
  decodeWindow(window: Uint8Array, windowOffset: number, state: Int32Array):
    WindowOutput | Promise<WindowOutput>;
  /** Frees the decoder's scratch space. */
  close(): void;
}

export interface Backend {
  readonly name: BackendName;
  createDecoder(): WindowDecoder;
  /**
   * Prepares the hot lookup of graph building, pointer value → containing object, over an
   * objects table in address order (ts/graph/address-index.ts JsPointerResolver is the
   * reference; every backend must give the same answers).
   */
  createResolver(objects: ObjectTable): PointerResolver;
  /**
   * Immediate dominators from `root` (ts/graph/dominators.ts is the reference), where the
   * backend has a faster implementation; the graph uses the TypeScript one otherwise.
   */
  dominators?(graph: Csr, root: number): DominatorResult;
}
