import { JsonSchema, inputEventSchema, InputEventType, isInstant, isKnownBusinessDate } from './schemas';

/**
 * The validation fast path: the same JSON Schemas as ajv (schemas.ts), compiled here into plain
 * closures that only answer "valid or not". ajv stays the authority: a value this path rejects is
 * validated again by ajv, which words the error (and would accept it if the two ever disagreed); a
 * property test holds the two to the same answer on valid and mutated events (fast-validate.spec.ts).
 *
 * Why not ajv's own code: ajv counts every string's code points for minLength/maxLength, runs the
 * storable-text format as a regular expression with look-behind, and builds its error objects; here
 * a length is counted only when the UTF-16 length cannot decide, and storable text is one loop.
 * Why compiled from the schemas rather than written per event type: one source of truth, and a
 * schema keyword this compiler does not know fails at start-up instead of being silently skipped.
 */
export type FastValidate = (value: unknown) => boolean;

/** The keywords the input schemas use; any other keyword throws when compiled. */
const ANNOTATIONS = new Set(['description', 'default']);

/** Code points of `text`, as ajv's ucs2length counts them (a lone surrogate counts as one). */
function codePoints(text: string): number {
  const length = text.length;
  let count = 0;
  for (let i = 0; i < length; i++) {
    count++;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)
      i++;
  }
  return count;
}

/** isStorableText (schemas.ts) as one loop: no NUL, no unpaired surrogate. */
function isStorableTextFast(text: string): boolean {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return false;
    if (unit < 0xd800 || unit > 0xdfff) continue;
    // A high surrogate must be followed by a low one (the pair is skipped); a low one alone is unpaired.
    if (unit > 0xdbff || i + 1 >= length || (text.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) return false;
    i++;
  }
  return true;
}

const FORMATS: Readonly<Record<string, (text: string) => boolean>> = {
  'storable-text': isStorableTextFast,
  'business-date': isKnownBusinessDate,
  'date-time': isInstant,
  'date-or-date-time': (text) => (text.length === 10 ? isKnownBusinessDate(text) : isInstant(text)),
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeCheck(type: string): FastValidate {
  switch (type) {
    case 'string':
      return (v) => typeof v === 'string';
    case 'integer':
      return (v) => Number.isInteger(v);
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'null':
      return (v) => v === null;
    case 'object':
      return isObject;
    case 'array':
      return Array.isArray;
    default:
      throw new Error(`fast validator: unknown type ${type}`);
  }
}

/** The string keywords of one schema as one check (applied to strings only). */
function stringCheck(schema: JsonSchema): ((text: string) => boolean) | undefined {
  const minLength = schema.minLength as number | undefined;
  const maxLength = schema.maxLength as number | undefined;
  const format = schema.format === undefined ? undefined : FORMATS[schema.format as string];
  if (schema.format !== undefined && format === undefined) {
    throw new Error(`fast validator: unknown format ${String(schema.format)}`);
  }
  // ajv compiles patterns with the u flag: so do we, so that both read them alike.
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern as string, 'u');
  if (minLength === undefined && maxLength === undefined && !format && !pattern) return undefined;
  // The contract's commonest strings, as straight-line checks: a free text (1..n, storable), a
  // pattern alone (ids, money), a format alone (dates).
  if (minLength === 1 && maxLength !== undefined && format === isStorableTextFast && !pattern) {
    return (text) =>
      text.length >= 1 &&
      (text.length <= maxLength || codePoints(text) <= maxLength) &&
      isStorableTextFast(text);
  }
  if (pattern && minLength === undefined && maxLength === undefined && !format)
    return (text) => pattern.test(text);
  if (format && minLength === undefined && maxLength === undefined && !pattern) return format;
  return (text) => {
    // Code points <= UTF-16 units <= 2 x code points: count them only when the units cannot decide.
    if (minLength !== undefined && text.length < minLength) return false;
    if (
      minLength !== undefined &&
      minLength > 1 &&
      text.length < 2 * minLength &&
      codePoints(text) < minLength
    )
      return false;
    if (maxLength !== undefined && text.length > maxLength && codePoints(text) > maxLength) return false;
    if (pattern !== undefined && !pattern.test(text)) return false;
    return format === undefined || format(text);
  };
}

function numberCheck(schema: JsonSchema): ((n: number) => boolean) | undefined {
  const minimum = schema.minimum as number | undefined;
  const maximum = schema.maximum as number | undefined;
  if (minimum === undefined && maximum === undefined) return undefined;
  return (n) => (minimum === undefined || n >= minimum) && (maximum === undefined || n <= maximum);
}

function arrayCheck(schema: JsonSchema): ((items: unknown[]) => boolean) | undefined {
  const minItems = schema.minItems as number | undefined;
  const maxItems = schema.maxItems as number | undefined;
  const item = schema.items === undefined ? undefined : compileFastValidator(schema.items as JsonSchema);
  if (minItems === undefined && maxItems === undefined && !item) return undefined;
  return (items) => {
    if (minItems !== undefined && items.length < minItems) return false;
    if (maxItems !== undefined && items.length > maxItems) return false;
    if (item !== undefined) for (let i = 0; i < items.length; i++) if (!item(items[i])) return false;
    return true;
  };
}

function objectCheck(schema: JsonSchema): ((object: Record<string, unknown>) => boolean) | undefined {
  const required = (schema.required as string[] | undefined) ?? [];
  const propertyNames: string[] = [];
  const propertyChecks: FastValidate[] = [];
  for (const [name, sub] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) {
    propertyNames.push(name);
    propertyChecks.push(compileFastValidator(sub));
  }
  const dependencies = Object.entries((schema.dependencies as Record<string, string[]> | undefined) ?? {});
  for (const [, needs] of dependencies) {
    if (!Array.isArray(needs)) throw new Error('fast validator: only array dependencies are supported');
  }
  if (required.length === 0 && propertyNames.length === 0 && dependencies.length === 0) return undefined;
  // Each property is read once: a missing one fails if required, a present one is validated.
  const propertyRequired = propertyNames.map((name) => required.includes(name));
  const otherRequired = required.filter((name) => !propertyNames.includes(name));
  return (object) => {
    for (let i = 0; i < propertyNames.length; i++) {
      const value = object[propertyNames[i]];
      if (value === undefined) {
        if (propertyRequired[i]) return false;
      } else if (!propertyChecks[i](value)) return false;
    }
    for (let i = 0; i < otherRequired.length; i++) if (object[otherRequired[i]] === undefined) return false;
    for (let i = 0; i < dependencies.length; i++) {
      const [name, needs] = dependencies[i];
      if (object[name] === undefined) continue;
      for (const need of needs) if (object[need] === undefined) return false;
    }
    return true;
  };
}

const HANDLED = new Set([
  'type',
  'minLength',
  'maxLength',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'items',
  'required',
  'properties',
  'dependencies',
  'enum',
  'const',
  'if',
  'then',
  'else',
  'allOf',
  'not',
]);

/** Compiles one JSON Schema (the subset the input contract uses) into a yes/no check. */
export function compileFastValidator(schema: JsonSchema): FastValidate {
  for (const keyword of Object.keys(schema)) {
    if (!HANDLED.has(keyword) && !ANNOTATIONS.has(keyword)) {
      throw new Error(`fast validator: keyword ${keyword} is not supported`);
    }
  }
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  const typeChecks = types.map(typeCheck);
  const typeOk: FastValidate | undefined =
    typeChecks.length === 0
      ? undefined
      : typeChecks.length === 1
        ? typeChecks[0]
        : (v) => typeChecks.some((check) => check(v));
  const onString = stringCheck(schema);
  const onNumber = numberCheck(schema);
  const onArray = arrayCheck(schema);
  const onObject = objectCheck(schema);
  // Primitive enums and consts (all the contract has): ajv's deep equality is === on them.
  const allowed = schema.enum === undefined ? undefined : new Set(schema.enum as unknown[]);
  if (allowed !== undefined && [...allowed].some((v) => typeof v === 'object' && v !== null)) {
    throw new Error('fast validator: only primitive enum values are supported');
  }
  const hasConst = 'const' in schema;
  const constant = schema.const;
  if (hasConst && typeof constant === 'object' && constant !== null) {
    throw new Error('fast validator: only primitive consts are supported');
  }
  const condition = schema.if === undefined ? undefined : compileFastValidator(schema.if as JsonSchema);
  const then = schema.then === undefined ? undefined : compileFastValidator(schema.then as JsonSchema);
  const otherwise = schema.else === undefined ? undefined : compileFastValidator(schema.else as JsonSchema);
  const every = ((schema.allOf as JsonSchema[] | undefined) ?? []).map(compileFastValidator);
  const negated = schema.not === undefined ? undefined : compileFastValidator(schema.not as JsonSchema);

  // One type and nothing but its own keywords (nearly every node of the contract): one direct check.
  if (types.length === 1 && !condition && !negated && every.length === 0) {
    const plain = !allowed && !hasConst;
    switch (types[0]) {
      case 'string':
        if (allowed) return (v) => typeof v === 'string' && allowed.has(v);
        if (hasConst) return (v) => v === constant && typeof v === 'string';
        if (plain)
          return onString ? (v) => typeof v === 'string' && onString(v) : (v) => typeof v === 'string';
        break;
      case 'integer':
        if (hasConst && !allowed && !onNumber) return (v) => v === constant && Number.isInteger(v);
        if (plain)
          return onNumber ? (v) => Number.isInteger(v) && onNumber(v as number) : (v) => Number.isInteger(v);
        break;
      case 'object':
        if (plain) return onObject ? (v) => isObject(v) && onObject(v) : isObject;
        break;
      case 'array':
        if (plain) return onArray ? (v) => Array.isArray(v) && onArray(v) : (v) => Array.isArray(v);
        break;
    }
  }

  return (value) => {
    if (typeOk !== undefined && !typeOk(value)) return false;
    if (typeof value === 'string') {
      if (onString !== undefined && !onString(value)) return false;
    } else if (typeof value === 'number') {
      if (onNumber !== undefined && !onNumber(value)) return false;
    } else if (Array.isArray(value)) {
      if (onArray !== undefined && !onArray(value)) return false;
    } else if (isObject(value)) {
      if (onObject !== undefined && !onObject(value)) return false;
    }
    if (allowed !== undefined && !allowed.has(value)) return false;
    if (hasConst && value !== constant) return false;
    if (condition !== undefined) {
      const branch = condition(value) ? then : otherwise;
      if (branch !== undefined && !branch(value)) return false;
    }
    for (let i = 0; i < every.length; i++) if (!every[i](value)) return false;
    if (negated !== undefined && negated(value)) return false;
    return true;
  };
}

const inputValidators = new Map<InputEventType, FastValidate>();

/** The fast path of an input event type (envelope + data), compiled once, then kept. */
export function fastInputValidator(type: InputEventType): FastValidate {
  let validate = inputValidators.get(type);
  if (validate === undefined) {
    validate = compileFastValidator(inputEventSchema(type));
    inputValidators.set(type, validate);
  }
  return validate;
}
