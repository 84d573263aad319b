/**
 * JSON for values that hold bigint money and Maps. Tagged objects (`{$n}` for a
 * bigint, `{$m}` for a Map's entries) cannot collide with real data: documents
 * live in Maps, so producer-chosen ids are never object keys.
 */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $n: value.toString() };
  if (value instanceof Map) return { $m: [...value] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as { $n?: string; $m?: [unknown, unknown][] };
    if (typeof tagged.$n === 'string') return BigInt(tagged.$n);
    if (Array.isArray(tagged.$m)) return new Map(tagged.$m);
  }
  return value;
}

export const encodeState = (value: unknown): string => JSON.stringify(value, replacer);
export const decodeState = <T>(text: string): T => JSON.parse(text, reviver) as T;
