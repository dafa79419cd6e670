// Root nodes: where the graph's roots come from (ARCHITECTURE.md "Heap graph semantics").
// Each goroutine, stack frame, data or bss pointer slot, other root, registered finalizer and
// queued finalizer is a node of its own between the virtual root and the objects it holds, so
// that the dominator tree gives each of them a retained size too.

export enum RootKind {
  /** A goroutine: its edges lead to its stack frames. */
  Goroutine = 0,
  /** A stack frame: edges to what its pointer slots hold. */
  StackFrame = 1,
  /** One pointer slot of the data segment. */
  Data = 2,
  /** One pointer slot of the bss segment. */
  Bss = 3,
  /** An OtherRoot record (go1.3). */
  OtherRoot = 4,
  /** A registered finalizer: its function value and what the object points to. */
  Finalizer = 5,
  /** A queued finalizer: the object and its function value. */
  QueuedFinalizer = 6,
}

export const ROOT_KIND_NAMES: Record<RootKind, string> = {
  [RootKind.Goroutine]: 'goroutine',
  [RootKind.StackFrame]: 'stackFrame',
  [RootKind.Data]: 'data',
  [RootKind.Bss]: 'bss',
  [RootKind.OtherRoot]: 'otherRoot',
  [RootKind.Finalizer]: 'finalizer',
  [RootKind.QueuedFinalizer]: 'queuedFinalizer',
};

export interface RootTable {
  readonly count: number;
  readonly kind: Uint8Array;
  /** Row in the table of its kind (goroutines, stackFrames, data, bss, otherRoots, finalizers…). */
  readonly source: Uint32Array;
  /** Data and bss: the slot's offset in the segment; otherwise 0. */
  readonly offset: Uint32Array;
}
