// Growable output columns for the js reference decoder. They double when full, so what they
// hold is always proportional to what was decoded, never to a length read from the dump.

import type { WindowOutput } from '../backend';

const INITIAL_ROWS = 1024;

function grown<T extends Uint32Array | Float64Array>(old: T, needed: number): T {
  let capacity = old.length;
  while (capacity < needed) capacity *= 2;
  const next = new (old.constructor as { new (n: number): T })(capacity);
  next.set(old);
  return next;
}

export class OutputColumns {
  objectCount = 0;
  objectAddressLo = new Uint32Array(INITIAL_ROWS);
  objectAddressHi = new Uint32Array(INITIAL_ROWS);
  objectSize = new Uint32Array(INITIAL_ROWS);
  objectContentOffset = new Float64Array(INITIAL_ROWS);
  objectFirstWordLo = new Uint32Array(INITIAL_ROWS);
  objectFirstWordHi = new Uint32Array(INITIAL_ROWS);
  objectFieldCount = new Uint32Array(INITIAL_ROWS);

  fieldCount = 0;
  fieldOffset = new Uint32Array(INITIAL_ROWS);
  fieldValueLo = new Uint32Array(INITIAL_ROWS);
  fieldValueHi = new Uint32Array(INITIAL_ROWS);

  streamLength = 0;
  stream = new Uint32Array(INITIAL_ROWS);

  reset(): void {
    this.objectCount = 0;
    this.fieldCount = 0;
    this.streamLength = 0;
  }

  /** Makes room for one more object row. */
  reserveObject(): void {
    const needed = this.objectCount + 1;
    if (needed <= this.objectAddressLo.length) return;
    this.objectAddressLo = grown(this.objectAddressLo, needed);
    this.objectAddressHi = grown(this.objectAddressHi, needed);
    this.objectSize = grown(this.objectSize, needed);
    this.objectContentOffset = grown(this.objectContentOffset, needed);
    this.objectFirstWordLo = grown(this.objectFirstWordLo, needed);
    this.objectFirstWordHi = grown(this.objectFirstWordHi, needed);
    this.objectFieldCount = grown(this.objectFieldCount, needed);
  }

  pushField(offset: number, valueLo: number, valueHi: number): void {
    const row = this.fieldCount;
    if (row === this.fieldOffset.length) {
      this.fieldOffset = grown(this.fieldOffset, row + 1);
      this.fieldValueLo = grown(this.fieldValueLo, row + 1);
      this.fieldValueHi = grown(this.fieldValueHi, row + 1);
    }
    this.fieldOffset[row] = offset;
    this.fieldValueLo[row] = valueLo;
    this.fieldValueHi[row] = valueHi;
    this.fieldCount = row + 1;
  }

  /** Appends one word to the record stream. */
  word(value: number): void {
    if (this.streamLength === this.stream.length) this.stream = grown(this.stream, this.streamLength + 1);
    this.stream[this.streamLength++] = value;
  }

  /** Views of what this window appended, in the shape every backend returns. */
  view(result: Pick<WindowOutput, 'status' | 'consumed' | 'errorOffset' | 'errorTag' | 'recordOffset'>): WindowOutput {
    const objects = this.objectCount;
    const fields = this.fieldCount;
    return {
      ...result,
      objectCount: objects,
      objectAddressLo: this.objectAddressLo.subarray(0, objects),
      objectAddressHi: this.objectAddressHi.subarray(0, objects),
      objectSize: this.objectSize.subarray(0, objects),
      objectContentOffset: this.objectContentOffset.subarray(0, objects),
      objectFirstWordLo: this.objectFirstWordLo.subarray(0, objects),
      objectFirstWordHi: this.objectFirstWordHi.subarray(0, objects),
      objectFieldCount: this.objectFieldCount.subarray(0, objects),
      fieldCount: fields,
      fieldOffset: this.fieldOffset.subarray(0, fields),
      fieldValueLo: this.fieldValueLo.subarray(0, fields),
      fieldValueHi: this.fieldValueHi.subarray(0, fields),
      streamLength: this.streamLength,
      stream: this.stream.subarray(0, this.streamLength),
    };
  }
}
