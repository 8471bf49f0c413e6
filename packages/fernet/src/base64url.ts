// Strict urlsafe base64. Python's decoder (used by cryptography) skips characters outside
// the alphabet and ignores stray low bits; Node's Buffer decoder is just as lenient. We
// accept only canonical text so that one token has exactly one spelling: token strings are
// used as cache keys, and many spellings of one token would let a caller sidestep that.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Encode bytes as urlsafe base64 with `=` padding, as Python's `urlsafe_b64encode`. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url').padEnd(
    Math.ceil(bytes.byteLength / 3) * 4,
    '=',
  );
}

/**
 * Decode canonical urlsafe base64, padded or not. Returns undefined for anything else:
 * characters outside the alphabet, wrong padding, or non-zero unused bits.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  let body = text;
  if (body.endsWith('=')) {
    if (body.length % 4 !== 0) return undefined;
    body = body.endsWith('==') ? body.slice(0, -2) : body.slice(0, -1);
  }
  if (body.length % 4 === 1 || !ALPHABET.test(body)) return undefined;
  const bytes = Buffer.from(body, 'base64url');
  // Re-encoding catches non-zero unused bits in the last character (and padding on a
  // length that needs none, e.g. "AAAA=").
  if (bytes.toString('base64url') !== body) return undefined;
  if (text.length !== body.length && encodeBase64Url(bytes) !== text) return undefined;
  return bytes;
}
