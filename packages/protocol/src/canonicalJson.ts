import { ValidationError } from './errors.js';

/**
 * Serializes JSON with object keys sorted (recursively) and no whitespace, so that the same value
 * always gives the same bytes to sign. Only JSON values are accepted: no NaN or Infinity, no
 * bigint, no functions, no cycles; `undefined` object members are left out as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set(), 0);
}

/** Deeper nesting than any Coliving message needs; refusing it keeps the stack safe. */
const MAX_DEPTH = 64;

function serialize(value: unknown, seen: Set<object>, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ValidationError('JSON numbers must be finite', { code: 'invalid_json' });
      }
      return JSON.stringify(value);
    case 'object': {
      if (depth >= MAX_DEPTH) {
        throw new ValidationError(`JSON nests deeper than ${MAX_DEPTH} levels`, {
          code: 'invalid_json',
        });
      }
      if (seen.has(value)) {
        throw new ValidationError('JSON value contains a cycle', { code: 'invalid_json' });
      }
      seen.add(value);
      let out: string;
      if (Array.isArray(value)) {
        const items: string[] = [];
        // By index, so holes in sparse arrays are seen (map would skip them).
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) {
            throw new ValidationError('JSON arrays cannot hold undefined or holes', {
              code: 'invalid_json',
            });
          }
          items.push(serialize(item, seen, depth + 1));
        }
        out = `[${items.join(',')}]`;
      } else {
        const proto = Object.getPrototypeOf(value) as unknown;
        if (proto !== Object.prototype && proto !== null) {
          throw new ValidationError('Only plain objects serialize to canonical JSON', {
            code: 'invalid_json',
          });
        }
        const record = value as Record<string, unknown>;
        const members = Object.keys(record)
          .filter((key) => record[key] !== undefined)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${serialize(record[key], seen, depth + 1)}`);
        out = `{${members.join(',')}}`;
      }
      seen.delete(value);
      return out;
    }
    default:
      throw new ValidationError(`${typeof value} is not a JSON value`, { code: 'invalid_json' });
  }
}

/** True when `json` is exactly the canonical serialization of what it parses to. */
export function isCanonicalJson(json: string): boolean {
  try {
    return canonicalJson(JSON.parse(json)) === json;
  } catch {
    return false;
  }
}
