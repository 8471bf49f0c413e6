// Builders with unique ids and names, so conformance tests never collide on a shared database.
import { randomUUID } from 'node:crypto';
import type { Domain, Group, Project, Role, Storage, User } from '../../../src/storage/index.ts';

export type GetStorage = () => Storage;

export function newId(): string {
  return randomUUID().replaceAll('-', '');
}

export function newDomain(overrides: Partial<Domain> = {}): Domain {
  return { id: newId(), name: `domain-${newId()}`, description: 'a domain', enabled: true, extra: {}, ...overrides };
}

export function newProject(domainId: string, overrides: Partial<Project> = {}): Project {
  return {
    id: newId(),
    name: `project-${newId()}`,
    domainId,
    description: 'a project',
    enabled: true,
    parentId: domainId,
    isDomain: false,
    tags: [],
    extra: {},
    ...overrides,
  };
}

export function newUser(domainId: string, overrides: Partial<User> = {}): User {
  return {
    id: newId(),
    name: `user-${newId()}`,
    domainId,
    enabled: true,
    defaultProjectId: null,
    passwordHash: '$2b$12$abcdefghijklmnopqrstuuJ3Tq3tL3lH4yS5Zq7c2C1n5pZ0F0yW6',
    passwordExpiresAt: null,
    createdAt: 1_700_000_000,
    extra: {},
    failedAuthCount: 0,
    failedAuthAt: null,
    passwordCreatedAt: 1_700_000_000,
    passwordSelfService: false,
    passwordHistory: [],
    ...overrides,
  };
}

export function newGroup(domainId: string, overrides: Partial<Group> = {}): Group {
  return { id: newId(), name: `group-${newId()}`, domainId, description: 'a group', extra: {}, ...overrides };
}

export function newRole(overrides: Partial<Role> = {}): Role {
  return { id: newId(), name: `role-${newId()}`, domainId: null, description: null, options: {}, extra: {}, ...overrides };
}

export const notFound = (message: string): { code: string; message: string } => ({
  code: 'ERR_IDENTITY_NOT_FOUND',
  message,
});

export const conflict = (message: string): { code: string; message: string } => ({
  code: 'ERR_IDENTITY_CONFLICT',
  message,
});
