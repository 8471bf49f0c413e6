// OS-OAUTH1 (keystone/oauth1/backends/sql.py): consumers and their request and access tokens.
import type { Selectable } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { AccessTokenTable, ConsumerTable, RequestTokenTable } from '../schema.ts';
import type { AccessToken, Consumer, OAuth1Driver, RequestToken } from '../types.ts';
import { type DriverContext, definedPatch, parseExtra, serializeExtra, storing } from './shared.ts';

function consumerFromRow(row: Selectable<ConsumerTable>): Consumer {
  return { id: row.id, description: row.description, secret: row.secret, extra: parseExtra(row.extra) };
}

function roleIds(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

function requestTokenFromRow(row: Selectable<RequestTokenTable>): RequestToken {
  return {
    id: row.id,
    secret: row.request_secret,
    verifier: row.verifier,
    authorizingUserId: row.authorizing_user_id,
    projectId: row.requested_project_id,
    roleIds: row.role_ids === null ? null : roleIds(row.role_ids),
    consumerId: row.consumer_id,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

function accessTokenFromRow(row: Selectable<AccessTokenTable>): AccessToken {
  return {
    id: row.id,
    secret: row.access_secret,
    authorizingUserId: row.authorizing_user_id,
    projectId: row.project_id,
    roleIds: roleIds(row.role_ids),
    consumerId: row.consumer_id,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

// Keystone's own NotFound messages for these three (not the "Could not find X: id" form).
const noConsumer = (): NotFoundError => new NotFoundError('Consumer not found');
const noRequestToken = (): NotFoundError => new NotFoundError('Request token not found');
const noAccessToken = (): NotFoundError => new NotFoundError('Access token not found');

export class SqlOAuth1Driver implements OAuth1Driver {
  readonly #ctx: DriverContext;

  constructor(ctx: DriverContext) {
    this.#ctx = ctx;
  }

  async createConsumer(consumer: Consumer): Promise<Consumer> {
    await storing(this.#ctx, 'consumer', () => `Duplicate entry found with ID ${consumer.id}`, () =>
      this.#ctx.db.insertInto('consumer').values({ ...consumer, extra: serializeExtra(consumer.extra) }).execute());
    return this.getConsumer(consumer.id);
  }

  async getConsumer(id: string): Promise<Consumer> {
    const row = await this.#ctx.db.selectFrom('consumer').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw noConsumer();
    return consumerFromRow(row);
  }

  async listConsumers(): Promise<Consumer[]> {
    return (await this.#ctx.db.selectFrom('consumer').selectAll().orderBy('id').execute()).map(consumerFromRow);
  }

  async updateConsumer(id: string, patch: { description?: string | null; extra?: Record<string, unknown> }): Promise<Consumer> {
    const merged = { ...(await this.getConsumer(id)), ...definedPatch(patch) };
    await this.#ctx.db
      .updateTable('consumer')
      .set({ description: merged.description, extra: serializeExtra(merged.extra) })
      .where('id', '=', id)
      .execute();
    return this.getConsumer(id);
  }

  async deleteConsumer(id: string): Promise<void> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('request_token').where('consumer_id', '=', id).execute();
      await trx.deleteFrom('access_token').where('consumer_id', '=', id).execute();
      const result = await trx.deleteFrom('consumer').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw noConsumer();
    });
  }

  async createRequestToken(token: RequestToken): Promise<RequestToken> {
    await this.#ctx.db
      .insertInto('request_token')
      .values({
        id: token.id,
        request_secret: token.secret,
        verifier: token.verifier,
        authorizing_user_id: token.authorizingUserId,
        requested_project_id: token.projectId,
        role_ids: token.roleIds === null ? null : JSON.stringify(token.roleIds),
        consumer_id: token.consumerId,
        expires_at: token.expiresAt,
      })
      .execute();
    return this.getRequestToken(token.id);
  }

  async getRequestToken(id: string): Promise<RequestToken> {
    const row = await this.#ctx.db.selectFrom('request_token').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw noRequestToken();
    return requestTokenFromRow(row);
  }

  async authorizeRequestToken(id: string, userId: string, roleIds: string[], verifier: string): Promise<RequestToken> {
    const result = await this.#ctx.db
      .updateTable('request_token')
      .set({ authorizing_user_id: userId, role_ids: JSON.stringify(roleIds), verifier })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw noRequestToken();
    return this.getRequestToken(id);
  }

  async exchangeRequestToken(requestTokenId: string, token: AccessToken): Promise<AccessToken> {
    await this.#ctx.db.transaction().execute(async (trx) => {
      // The delete decides: of two exchanges of one request token, only one finds it.
      const used = await trx.deleteFrom('request_token').where('id', '=', requestTokenId).executeTakeFirst();
      if (used.numDeletedRows === 0n) throw noRequestToken();
      await trx
        .insertInto('access_token')
        .values({
          id: token.id,
          access_secret: token.secret,
          authorizing_user_id: token.authorizingUserId,
          project_id: token.projectId,
          role_ids: JSON.stringify(token.roleIds),
          consumer_id: token.consumerId,
          expires_at: token.expiresAt,
        })
        .execute();
    });
    return this.getAccessToken(token.id);
  }

  async getAccessToken(id: string): Promise<AccessToken> {
    const row = await this.#ctx.db.selectFrom('access_token').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw noAccessToken();
    return accessTokenFromRow(row);
  }

  async listAccessTokens(userId: string): Promise<AccessToken[]> {
    const rows = await this.#ctx.db.selectFrom('access_token').selectAll().where('authorizing_user_id', '=', userId).orderBy('id').execute();
    return rows.map(accessTokenFromRow);
  }

  async deleteAccessToken(id: string): Promise<void> {
    const result = await this.#ctx.db.deleteFrom('access_token').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw noAccessToken();
  }
}
