/**
 * JSON for values that hold bigint money and Maps. A bigint is written as a
 * string with a `~` mark (`"~52082"`), and a real string that starts with `~`
 * gets a second one (`"~~x"`), so the two never collide; a Map is written as
 * `{"$m": entries}`, which cannot collide with real data: documents live in
 * Maps, so producer-chosen ids are never object keys. The mark keeps money as
 * short as a number and costs no object per amount, which matters because
 * this runs for every customer a batch touches. States written before the
 * mark (`{"$n": "52082"}`) still decode. The walks are hand-written because
 * JSON's replacer and reviver callbacks defeat V8's fast paths.
 */
const MARK = '~';

function toPlain(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return MARK + value.toString();
    case 'string':
      return value.startsWith(MARK) ? MARK + value : value;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return value;
  if (value instanceof Map) {
    const entries: unknown[] = [];
    for (const [k, v] of value) entries.push([toPlain(k), toPlain(v)]);
    return { $m: entries };
  }
  if (Array.isArray(value)) return value.map(toPlain);
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) plain[key] = toPlain(field);
  }
  return plain;
}

function fromPlain(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(MARK)) return value;
    return value.startsWith(MARK, 1) ? value.slice(1) : BigInt(value.slice(1));
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromPlain(value[i]);
    return value;
  }
  const tagged = value as { $n?: string; $m?: [unknown, unknown][] };
  if (typeof tagged.$n === 'string') return BigInt(tagged.$n);
  if (Array.isArray(tagged.$m)) {
    const map = new Map();
    for (const [k, v] of tagged.$m) map.set(fromPlain(k), fromPlain(v));
    return map;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = fromPlain(record[key]);
  return record;
}

export const encodeState = (value: unknown): string => JSON.stringify(toPlain(value));
export const decodeState = <T>(text: string): T => fromPlain(JSON.parse(text)) as T;
