// Goroutines as pprof's goroutine profile shows them, plus memory: each goroutine's status,
// wait reason, stack and the bytes its frames keep alive (the retained size of its root node,
// ts/graph/roots.ts); goroutines with identical stacks grouped.

import type { HeapGraph } from '../graph/heap-graph';
import { RootKind } from '../graph/roots';
import { goroutineStatusName } from './summary';

export interface GoroutineFrame {
  function: string;
  /** "file.go:42" when known (the dump has no lines for frames: it takes the binary); null otherwise. */
  location: string | null;
}

export interface GoroutineRow {
  id: bigint;
  status: string;
  waitReason: string;
  /** The runtime's waitsince (nanotime when the wait began; 0 when not recorded). */
  waitSinceNanos: bigint;
  /**
   * A lower bound of how long it has waited: the newest waitsince in the dump minus its own.
   * The dump has no "now", so this is relative; null when waitsince is 0.
   */
  waitedAtLeastNanos: bigint | null;
  isSystem: boolean;
  frames: GoroutineFrame[];
  retainedBytes: number;
  retainedCount: number;
}

export interface GoroutineGroupRow {
  /** Goroutines with this stack. */
  count: number;
  ids: bigint[];
  /** Status and wait reason of each distinct kind in the group, with counts. */
  states: { status: string; waitReason: string; count: number }[];
  frames: GoroutineFrame[];
  retainedBytes: number;
}

export interface GoroutineReport {
  goroutines: GoroutineRow[];
  groups: GoroutineGroupRow[];
  totalRetainedBytes: number;
}

export interface GoroutineOptions {
  /** Names a frame's location from its PC (e.g. from the binary); default none. */
  location?: (pc: bigint) => string | null;
}

export function goroutineReport(graph: HeapGraph, options: GoroutineOptions = {}): GoroutineReport {
  const { tables, roots, objectCount } = graph;
  const { goroutines, stackFrames, strings } = tables;
  const retainedBytes = graph.retainedBytes();
  const retainedCount = graph.retainedCount();
  const rootOf = new Int32Array(goroutines.count).fill(-1);
  for (let r = 0; r < roots.count; r++) {
    if (roots.kind[r] === RootKind.Goroutine) rootOf[roots.source[r]] = objectCount + r;
  }
  const framesOf: number[][] = Array.from({ length: goroutines.count }, () => []);
  for (let frame = 0; frame < stackFrames.count; frame++) {
    const g = stackFrames.goroutineIndex[frame];
    if (g >= 0) framesOf[g].push(frame);
  }
  let newestWait = 0n;
  for (let g = 0; g < goroutines.count; g++) if (goroutines.waitSince[g] > newestWait) newestWait = goroutines.waitSince[g];

  const rows: GoroutineRow[] = [];
  for (let g = 0; g < goroutines.count; g++) {
    const frames = framesOf[g]
      .sort((a, b) => Number(stackFrames.depth[a] - stackFrames.depth[b]))
      .map((frame) => ({
        function: strings.get(stackFrames.name[frame]),
        location: options.location?.(stackFrames.pc[frame]) ?? null,
      }));
    const node = rootOf[g];
    const since = goroutines.waitSince[g];
    rows.push({
      id: goroutines.id[g],
      status: goroutineStatusName(goroutines.status[g]),
      waitReason: strings.get(goroutines.waitReason[g]),
      waitSinceNanos: since,
      waitedAtLeastNanos: since === 0n ? null : newestWait - since,
      isSystem: goroutines.isSystem[g] !== 0,
      frames,
      retainedBytes: node >= 0 ? retainedBytes[node] : 0,
      retainedCount: node >= 0 ? retainedCount[node] : 0,
    });
  }

  const groups = new Map<string, GoroutineGroupRow>();
  for (const row of rows) {
    const key = row.frames.map((f) => `${f.function}\u0000${f.location ?? ''}`).join('\u0001');
    let group = groups.get(key);
    if (group === undefined) {
      group = { count: 0, ids: [], states: [], frames: row.frames, retainedBytes: 0 };
      groups.set(key, group);
    }
    group.count++;
    group.ids.push(row.id);
    group.retainedBytes += row.retainedBytes;
    const state = group.states.find((s) => s.status === row.status && s.waitReason === row.waitReason);
    if (state !== undefined) state.count++;
    else group.states.push({ status: row.status, waitReason: row.waitReason, count: 1 });
  }
  const groupRows = [...groups.values()].sort((a, b) => b.count - a.count || b.retainedBytes - a.retainedBytes);
  return {
    goroutines: rows,
    groups: groupRows,
    totalRetainedBytes: rows.reduce((sum, row) => sum + row.retainedBytes, 0),
  };
}
