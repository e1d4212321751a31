import { DEFERRABLE, type DescriptorLike, type TreeLike } from "./schemaInternals.js";

/**
 * Which trees the view encoding may encode once and share between views
 * (plain: their patch bytes do not depend on the view), and which of those a
 * view may defer under update rates. Both are decided once per Schema class.
 */

/** Schema classes whose fields are all primitives (no child refs): their patch bytes do not depend on the view. */
const plainDescriptors = new WeakMap<DescriptorLike, boolean>();
export function isPlain(t: TreeLike): boolean {
  if (t._isSchema !== true || t.isFiltered !== true) return false;
  const desc = t.encDescriptor;
  if (!desc || desc.filter !== undefined) return false;
  let plain = plainDescriptors.get(desc);
  if (plain === undefined) {
    plain = desc.metadata !== undefined;
    if (desc.metadata) {
      for (const key of Object.keys(desc.metadata)) {
        const field = desc.metadata[Number(key)];
        if (field && typeof field === "object" && "type" in field && !isPrimitiveType(field.type))
          plain = false;
      }
    }
    plainDescriptors.set(desc, plain);
  }
  return plain;
}

/** A primitive field type: a name like "float32", or a quantized number (`{ quantized }`, a number on the wire). */
function isPrimitiveType(type: unknown): boolean {
  if (typeof type === "string") return true;
  return typeof type === "object" && type !== null && "quantized" in type && Object.keys(type).length === 1;
}

/**
 * A plain tree whose changed fields this encoder can tell (the `dirtyLow`
 * bitmask covers field indexes 0–31 only, so a class with more fields is
 * never deferred) and write itself: one a view may defer.
 */
export function canDefer(t: TreeLike): boolean {
  if (typeof t.dirtyLow !== "number" || t._isSchema !== true || t.isFiltered !== true) return false;
  const desc = t.encDescriptor;
  if (desc === undefined) return false;
  // Decided once per class and kept on its descriptor: this runs for every tree of every view, every patch.
  return (desc[DEFERRABLE] ??=
    typeof desc.encoder === "function" &&
    isPlain(t) &&
    Object.keys(desc.metadata ?? {}).every((key) => !/^\d+$/.test(key) || Number(key) < 32));
}
