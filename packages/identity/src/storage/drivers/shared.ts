// What every SQL driver shares: the connection, row coercion and error mapping.
import type { Kysely } from 'kysely';
import { ConflictError, UnexpectedError } from '../../errors.ts';
import type { StorageDialect } from '@baton/storage';
import type { Database } from '../schema.ts';

export interface DriverContext {
  readonly db: Kysely<Database>;
  readonly dialect: StorageDialect;
}

export function parseExtra(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function serializeExtra(extra: Record<string, unknown>): string {
  return JSON.stringify(extra);
}

/** The patch without keys whose value is undefined (absent means "leave as is"). */
export function definedPatch<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Keystone's message shape: "Conflict occurred attempting to store <type> - <details>." */
export function conflict(type: string, details: string, cause?: unknown): ConflictError {
  return new ConflictError(`Conflict occurred attempting to store ${type} - ${details}.`, { cause });
}

/** Keystone's detail for a clash on a name, optionally within a domain. */
export function duplicateName(name: string, domainId?: string | null): string {
  return domainId === undefined || domainId === null
    ? `Duplicate entry found with name ${name}`
    : `Duplicate entry found with name ${name} at domain ID ${domainId}`;
}

/**
 * Runs a write, turning a unique violation into ConflictError (with `details`) and a
 * foreign-key violation into UnexpectedError, as Keystone's handle_conflicts does: a
 * missing parent is something the manager should have checked first.
 */
export async function storing<T>(ctx: DriverContext, type: string, details: () => string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (ctx.dialect.isUniqueViolation(error)) throw conflict(type, details(), error);
    if (ctx.dialect.isForeignKeyViolation(error)) {
      throw new UnexpectedError(`An unexpected error occurred when trying to store ${type}`, { cause: error });
    }
    throw error;
  }
}

/** Matches one value or any of several; an empty list matches nothing. */
export function oneOrMany<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
