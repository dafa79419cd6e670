// The groupings `goheap histogram --by` offers, each an objectIndex → group column plus names.

import type { HeapGraph } from '../graph/heap-graph';
import { RootKind } from '../graph/roots';
import type { ShapeTable } from '../types/shapes';
import type { TypeAssignment } from '../types/type-names';
import type { AllocSites } from './alloc-sites';
import { dominatorChildren } from './dominator-children';
import { rootName, type RootNaming } from './retainers';

export interface Grouping {
  groupOf: Int32Array;
  names: string[];
  /** Name of the group of objects the grouping cannot place. */
  unknownName: string;
}

export function groupByType(recovery: TypeAssignment): Grouping {
  return { groupOf: recovery.objectTypeIndex, names: recovery.typeNames.names, unknownName: '(type unknown)' };
}

export function groupByShape(shapes: ShapeTable): Grouping {
  return { groupOf: new Int32Array(shapes.objectShape), names: shapes.names, unknownName: '(no shape)' };
}

export function groupBySite(sites: AllocSites): Grouping {
  return { groupOf: sites.objectSite, names: sites.sites.map((s) => s.name), unknownName: '(not sampled)' };
}

/**
 * Each object goes to the root that dominates it alone: the root node just under the virtual
 * root on its dominator chain. Data and bss slots are named by their variable when the
 * binary is known, so all slots of one global form one group; frames go to their goroutine.
 */
export function groupByRoot(graph: HeapGraph, naming?: RootNaming): Grouping {
  const immediateDominator = graph.immediateDominator();
  const { preorder } = dominatorChildren(graph);
  const { objectCount, virtualRoot, roots } = graph;
  const top = new Int32Array(graph.nodeCount).fill(-1);
  const rootGroup = new Int32Array(roots.count).fill(-1);
  const names: string[] = [];
  const byName = new Map<string, number>();
  for (let i = 0; i < preorder.length; i++) {
    const node = preorder[i];
    if (node === virtualRoot) continue;
    const dominator = immediateDominator[node];
    top[node] = dominator === virtualRoot ? node : top[dominator];
  }
  const groupOf = new Int32Array(objectCount).fill(-1);
  for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
    const root = top[objectIndex];
    if (root < objectCount) continue;
    const r = root - objectCount;
    if (rootGroup[r] < 0) {
      let name = rootName(graph, r, naming);
      const kind = roots.kind[r] as RootKind;
      // One group per variable, not per pointer slot.
      if ((kind === RootKind.Data || kind === RootKind.Bss) && /^[^ ]+\+0x[0-9a-f]+$/.test(name)) name = name.replace(/\+0x[0-9a-f]+$/, '');
      let group = byName.get(name);
      if (group === undefined) {
        group = names.length;
        names.push(name);
        byName.set(name, group);
      }
      rootGroup[r] = group;
    }
    groupOf[objectIndex] = rootGroup[r];
  }
  return { groupOf, names, unknownName: '(shared by several roots)' };
}
