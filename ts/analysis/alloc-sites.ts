// Allocation sites: AllocSample records link sampled objects to MemProf buckets, whose stacks
// say where they were allocated (FORMAT.md §4 Tags 16 and 17). The site of an object is the
// innermost frame outside the runtime (mallocgc, newobject, growslice… are not where the
// program allocated). Only sampled objects have one: the runtime samples about one
// allocation per MemProfileRate bytes (512 KiB by default).

import type { HeapGraph } from '../graph/heap-graph';

export const NO_SITE = -1;

export interface AllocSite {
  function: string;
  file: string;
  line: number;
  /** "main.main main.go:42". */
  name: string;
}

export interface AllocSites {
  /** objectIndex → index into `sites`, NO_SITE when the object was not sampled. */
  objectSite: Int32Array;
  sites: AllocSite[];
  sampledObjects: number;
}

/** Frames that belong to the allocator rather than to the program. */
function isAllocatorFrame(fn: string): boolean {
  return fn.startsWith('runtime.') || fn.startsWith('internal/runtime/') || fn === '';
}

export function allocationSites(graph: HeapGraph): AllocSites {
  const { memProf, allocSamples, strings } = graph.tables;
  const objectSite = new Int32Array(graph.objectCount).fill(NO_SITE);
  const bucketRow = new Map<bigint, number>();
  for (let row = 0; row < memProf.count; row++) bucketRow.set(memProf.bucket[row], row);
  const siteOfRow = new Map<number, number>();
  const siteByName = new Map<string, number>();
  const sites: AllocSite[] = [];

  const siteOf = (row: number): number => {
    const known = siteOfRow.get(row);
    if (known !== undefined) return known;
    const first = memProf.firstFrameIndex[row];
    const end = memProf.firstFrameIndex[row + 1];
    let frame = first;
    while (frame < end && isAllocatorFrame(strings.get(memProf.frameFunction[frame]))) frame++;
    if (frame === end) frame = first;
    let site = NO_SITE;
    if (frame < end) {
      const fn = strings.get(memProf.frameFunction[frame]);
      const file = strings.get(memProf.frameFile[frame]);
      const line = Number(memProf.frameLine[frame]);
      const base = file.slice(file.lastIndexOf('/') + 1);
      const name = `${fn} ${base}:${line}`;
      site = siteByName.get(name) ?? sites.length;
      if (site === sites.length) {
        sites.push({ function: fn, file, line, name });
        siteByName.set(name, site);
      }
    }
    siteOfRow.set(row, site);
    return site;
  };

  let sampledObjects = 0;
  for (let i = 0; i < allocSamples.count; i++) {
    const row = bucketRow.get(allocSamples.bucket[i]);
    if (row === undefined) continue;
    const object = graph.objectAt(allocSamples.object[i]);
    if (object < 0) continue;
    const site = siteOf(row);
    if (site === NO_SITE) continue;
    if (objectSite[object] === NO_SITE) sampledObjects++;
    objectSite[object] = site;
  }
  return { objectSite, sites, sampledObjects };
}
