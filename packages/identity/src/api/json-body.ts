// Request bodies as JSON, with nesting bounded before anything walks them: a body nested
// thousands deep would otherwise overflow the stack of whatever recurses over it first
// (schema checks, error rendering, a client decoding a stored `extra` attribute later).
import { ValidationError } from '../errors.ts';

/** Deepest nesting of arrays and objects a body may have; Keystone's bodies need under 10. */
export const MAX_BODY_DEPTH = 32;

const CLIENT_ERROR =
  ' The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/** The depth of the deepest array or object in JSON text, counting only brackets outside strings. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return depth;
}

/** Parses a request body; undefined when it is blank. Throws ValidationError (400) when too deep. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (nestingDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw new ValidationError(`The request body is nested more than ${MAX_BODY_DEPTH} levels deep.${CLIENT_ERROR}`);
  }
  return JSON.parse(text);
}
