// Field kinds (FORMAT.md §2): which words of a field are pointer words. The numbering changed
// after Go 1.3; docs/decoder-abi.md has the table.

/** The number of pointer words a field of `kind` starts at its offset (0: not a known kind). */
export function pointerWordCount(kind: number, headerVersion: number): number {
  if (headerVersion === 13) {
    if (kind >= 1 && kind <= 3) return 1; // Ptr, String (data word), Slice (data word)
    if (kind === 4 || kind === 5) return 2; // Iface, Eface
    return 0;
  }
  if (kind === 1) return 1; // Ptr
  if (kind === 2 || kind === 3) return 2; // Iface, Eface
  return 0;
}
