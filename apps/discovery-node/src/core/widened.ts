/** The typed arrays columns are kept in. */
export type Column = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** A copy of a column with room for `capacity` entries (the rest zero). */
export function widened<T extends Column>(column: T, capacity: number): T {
  const wider = new (column.constructor as new (length: number) => T)(capacity);
  wider.set(column);
  return wider;
}
