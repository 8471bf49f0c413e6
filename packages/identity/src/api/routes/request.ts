// What routes read from requests beyond their schemas (request-schema.ts): Keystone's
// rules for ids in PATCH bodies, extra attributes, boolean-ish query filters and links.
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.ts';

export type Json = Record<string, unknown>;
/** A query string as the routes see it: one value per name (see parseQueryString). */
export type Query = Record<string, string | undefined>;

/** PATCH bodies may repeat the id but never change it (keystone _require_matching_id). */
export function requireMatchingId(member: Json, id: string): void {
  if ('id' in member && member.id !== id) throw new ValidationError('Cannot change ID');
}

/** Members of `member` that are not named in `known`: Keystone stores those as extra attributes. */
export function extraAttributes(member: Json, known: readonly string[]): Json {
  return Object.fromEntries(Object.entries(member).filter(([k]) => k !== 'id' && !known.includes(k)));
}

/** Keystone's query_filter_is_true: present and not exactly '0' (so `?effective` counts). */
export function queryFlag(query: Query, name: string): boolean {
  const value = query[name];
  return value !== undefined && value !== '0';
}

/** The ?enabled filter (or another boolean one): Keystone treats anything but false-ish strings as true. */
export function enabledFilter(query: Query, name = 'enabled'): boolean | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  return !['0', 'f', 'false', 'off', 'n', 'no'].includes(value.trim().toLowerCase());
}

/** The request path after /v3/, with its query string, as Keystone's links.self has it. */
export function selfPath(request: FastifyRequest): string {
  return request.url.replace(/^\/v3\/?/, '');
}
