// Tokens are never logged in clear; like keystoneauth, a log shows `{SHA256}<hex>` so two
// lines can still be matched to the same token.
import { createHash } from 'node:crypto';

const SECRET_HEADERS = new Set(['authorization', 'x-auth-token', 'x-subject-token', 'x-service-token']);

export function hashToken(token: string): string {
  return `{SHA256}${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? hashToken(value) : value;
  }
  return out;
}
