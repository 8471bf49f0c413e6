import { randomUUID } from 'node:crypto';

/** A new entity id in Keystone's form: a UUID4 as 32 lowercase hex characters. */
export function newId(): string {
  return randomUUID().replaceAll('-', '');
}
