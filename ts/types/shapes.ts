// Shapes: objects grouped by slot size and the offsets of their pointer slots (randall77's
// "size + pointer signature"). Always available, even with no type evidence at all: values of
// one struct type share a shape, and structs with another layout land in another one.

import type { HeapGraph } from '../graph/heap-graph';

/** Offsets listed in a shape's name before it is shortened. */
const NAMED_OFFSETS = 6;

export interface ShapeTable {
  /** objectIndex → shape index. */
  objectShape: Uint32Array;
  /** Shape index → name, e.g. "48 B, pointers at +0x18" or "8 KiB, 450 pointers …#1a2b3c4d". */
  names: string[];
  /** A representative objectIndex of each shape. */
  representative: number[];
}

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x01000193) >>> 0;
}

export function groupShapes(graph: HeapGraph): ShapeTable {
  const { objects, objectCount, tables } = graph;
  const fields = tables.objectFields;
  const objectShape = new Uint32Array(objectCount);
  const names: string[] = [];
  const representative: number[] = [];
  const byHash = new Map<number, number[]>();

  const sameShape = (a: number, b: number): boolean => {
    if (objects.size[a] !== objects.size[b]) return false;
    const rowA = a;
    const rowB = b;
    const lengthA = fields.firstFieldIndex[rowA + 1] - fields.firstFieldIndex[rowA];
    if (lengthA !== fields.firstFieldIndex[rowB + 1] - fields.firstFieldIndex[rowB]) return false;
    for (let i = 0; i < lengthA; i++) {
      if (fields.fieldOffset[fields.firstFieldIndex[rowA] + i] !== fields.fieldOffset[fields.firstFieldIndex[rowB] + i]) return false;
    }
    return true;
  };

  for (let objectIndex = 0; objectIndex < objectCount; objectIndex++) {
    const row = objectIndex;
    let hash = mix(0x811c9dc5, objects.size[objectIndex]);
    for (let f = fields.firstFieldIndex[row]; f < fields.firstFieldIndex[row + 1]; f++) hash = mix(hash, fields.fieldOffset[f]);
    let candidates = byHash.get(hash);
    if (candidates === undefined) {
      candidates = [];
      byHash.set(hash, candidates);
    }
    let shape = candidates.find((s) => sameShape(representative[s], objectIndex));
    if (shape === undefined) {
      shape = names.length;
      candidates.push(shape);
      representative.push(objectIndex);
      names.push(shapeName(graph, objectIndex, hash));
    }
    objectShape[objectIndex] = shape;
  }
  return { objectShape, names, representative };
}

function shapeName(graph: HeapGraph, objectIndex: number, hash: number): string {
  const fields = graph.tables.objectFields;
  const row = objectIndex;
  const first = fields.firstFieldIndex[row];
  const count = fields.firstFieldIndex[row + 1] - first;
  const size = `${graph.objects.size[objectIndex]} B`;
  if (count === 0) return `${size}, no pointers`;
  const offsets: string[] = [];
  for (let i = 0; i < Math.min(count, NAMED_OFFSETS); i++) offsets.push(`+0x${fields.fieldOffset[first + i].toString(16)}`);
  if (count <= NAMED_OFFSETS) return `${size}, pointers at ${offsets.join(',')}`;
  return `${size}, ${count} pointers at ${offsets.join(',')},… #${hash.toString(16).padStart(8, '0')}`;
}
