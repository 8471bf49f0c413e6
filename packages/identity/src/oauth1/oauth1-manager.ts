// OS-OAUTH1 (keystone/oauth1/core.py, keystone/api/os_oauth1.py, keystone/auth/plugins/oauth1.py):
// a consumer asks for a request token for a project, a user with roles there authorizes it,
// the consumer exchanges it for an access token, then signs oauth1 authentications with it
// to get project-scoped tokens carrying only the authorized roles.
import { randomInt, randomUUID } from 'node:crypto';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { AssignmentManager } from '../assignment/assignment-manager.ts';
import type { ResourceManager } from '../resource/resource-manager.ts';
import type { AccessToken, Consumer, OAuth1Driver, RequestToken } from '../storage/types.ts';
import { expecting } from '../auth/auth-body.ts';
import { OAuthRequestError, isTokenKey, parseAuthorization, readSignedRequest, signatureMatches, type OAuthRequest, type SignedRequest } from './signature.ts';

export interface OAuth1Options {
  /** [oauth1] request_token_duration, seconds; 0 for tokens that never expire. */
  requestTokenDuration: number;
  /** [oauth1] access_token_duration, seconds; 0 for tokens that never expire. */
  accessTokenDuration: number;
}

/** A role to delegate, by id or by (globally unique) name. */
export type RoleRef = { id: string } | { name: string };

// Keystone's verifier alphabet: letters and digits without the ones easily confused.
const VERIFIER_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].filter((c) => !'jiIl1oO0'.includes(c));
const VERIFIER = new RegExp(`^[${VERIFIER_CHARS.join('')}]{8}$`);

const newKey = (): string => randomUUID().replace(/-/g, '');
const nowSeconds = (): number => Date.now() / 1000;

/** oauthlib's refusal as Keystone words it (validate_oauth_params). */
function refused(error: OAuthRequestError): ValidationError {
  return new ValidationError(`Validation failed with errors: ${error.error}, detail message is: ${error.message}.`);
}

/** No OAuth Authorization header: Keystone's OAuthHeadersMissingError, which it answers 500. */
function noHeaders(cause: unknown): ValidationError {
  return new ValidationError('No Authorization headers found, cannot proceed with OAuth related calls.', { cause });
}

export class OAuth1Manager {
  readonly #driver: OAuth1Driver;
  readonly #resource: ResourceManager;
  readonly #assignment: AssignmentManager;
  readonly #options: OAuth1Options;

  constructor(driver: OAuth1Driver, deps: { resource: ResourceManager; assignment: AssignmentManager }, options: OAuth1Options) {
    this.#driver = driver;
    this.#resource = deps.resource;
    this.#assignment = deps.assignment;
    this.#options = options;
  }

  createConsumer(input: { description: string | null; extra: Record<string, unknown> }): Promise<Consumer> {
    return this.#driver.createConsumer({ id: newKey(), secret: newKey(), ...input });
  }

  getConsumer(id: string): Promise<Consumer> {
    return this.#driver.getConsumer(id);
  }

  listConsumers(): Promise<Consumer[]> {
    return this.#driver.listConsumers();
  }

  updateConsumer(id: string, patch: { description?: string | null; extra?: Record<string, unknown> }): Promise<Consumer> {
    return this.#driver.updateConsumer(id, patch);
  }

  deleteConsumer(id: string): Promise<void> {
    return this.#driver.deleteConsumer(id);
  }

  /** POST /v3/OS-OAUTH1/request_token, signed with the consumer's secret alone. */
  async createRequestToken(signed: SignedRequest, projectId: string | undefined): Promise<RequestToken> {
    // Keystone's order: the header's presence, its consumer key, the project, the consumer; then oauthlib.
    const consumerKey = this.#param(signed, 'oauth_consumer_key');
    if (projectId === undefined || projectId === '') throw expecting('Requested-Project-Id', 'request');
    await this.#resource.getProject(projectId);
    const consumer = await this.#driver.getConsumer(consumerKey);
    const request = this.#read(signed);
    if (!request.callback) throw refused(new OAuthRequestError('Missing callback URI.'));
    if (!signatureMatches(request, consumer.secret, null)) throw new UnauthorizedError('Invalid signature');
    const duration = this.#options.requestTokenDuration;
    return this.#driver.createRequestToken({
      id: newKey(),
      secret: newKey(),
      verifier: null,
      authorizingUserId: null,
      projectId,
      roleIds: null,
      consumerId: consumer.id,
      expiresAt: duration > 0 ? nowSeconds() + duration : null,
    });
  }

  /** PUT /v3/OS-OAUTH1/authorize/{id}: the caller delegates roles it holds on the token's project. */
  async authorizeRequestToken(id: string, userId: string, roles: readonly RoleRef[]): Promise<RequestToken> {
    const token = await this.#driver.getRequestToken(id);
    if (token.expiresAt !== null && nowSeconds() > token.expiresAt) throw new UnauthorizedError('Request token is expired');
    const wanted = new Set<string>();
    for (const role of roles) wanted.add('id' in role ? role.id : await this.#roleIdByName(role.name));
    const held = await this.#assignment.roleIdsOnProject(userId, await this.#resource.getProject(token.projectId));
    if ([...wanted].some((roleId) => !held.includes(roleId))) throw new UnauthorizedError('authorizing user does not have role required');
    const verifier = Array.from({ length: 8 }, () => VERIFIER_CHARS[randomInt(VERIFIER_CHARS.length)]).join('');
    return this.#driver.authorizeRequestToken(id, userId, [...wanted], verifier);
  }

  /** POST /v3/OS-OAUTH1/access_token, signed with the consumer's and the request token's secrets. */
  async createAccessToken(signed: SignedRequest): Promise<AccessToken> {
    this.#param(signed, 'oauth_consumer_key');
    const requestTokenId = this.#param(signed, 'oauth_token');
    const verifier = this.#param(signed, 'oauth_verifier');
    const requestToken = await this.#driver.getRequestToken(requestTokenId);
    if (requestToken.expiresAt !== null && nowSeconds() > requestToken.expiresAt) throw new UnauthorizedError('Request token is expired');
    const header = this.#read(signed);
    if (!isTokenKey(requestTokenId)) throw refused(new OAuthRequestError('Invalid resource owner key format.'));
    if (!VERIFIER.test(verifier)) throw refused(new OAuthRequestError('Invalid verifier format.'));
    const consumer = await this.#consumerOf(header.consumerKey);
    if (requestToken.consumerId !== consumer.id) throw new UnauthorizedError('Provided consumer key does not match stored consumer key.');
    if (requestToken.verifier !== verifier) throw new UnauthorizedError('Provided verifier does not match stored verifier');
    if (!signatureMatches(header, consumer.secret, requestToken.secret)) throw new UnauthorizedError('Invalid signature');
    if (requestToken.authorizingUserId === null || requestToken.roleIds === null) {
      throw new UnauthorizedError('Request Token does not have an authorizing user id.');
    }
    const duration = this.#options.accessTokenDuration;
    return this.#driver.exchangeRequestToken(requestToken.id, {
      id: newKey(),
      secret: newKey(),
      authorizingUserId: requestToken.authorizingUserId,
      projectId: requestToken.projectId,
      roleIds: requestToken.roleIds,
      consumerId: requestToken.consumerId,
      expiresAt: duration > 0 ? nowSeconds() + duration : null,
    });
  }

  /**
   * The oauth1 auth method: a request signed with the consumer's and an access token's
   * secrets. Every failure is 401, as Keystone's plugin answers (a missing token id: 400).
   */
  async authenticate(signed: SignedRequest): Promise<AccessToken> {
    let header: OAuthRequest;
    try {
      header = readSignedRequest(signed, nowSeconds());
    } catch (error) {
      if (error instanceof OAuthRequestError) throw new UnauthorizedError('Could not validate the access token', { cause: error });
      throw new UnauthorizedError(undefined, { cause: error });
    }
    if (header.token === undefined || header.token === '') throw expecting('oauth_token', 'request');
    const accessToken = await this.#driver.getAccessToken(header.token).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new UnauthorizedError('Could not validate the access token', { cause: error }) : error;
    });
    if (accessToken.expiresAt !== null && nowSeconds() > accessToken.expiresAt) throw new UnauthorizedError('Access token is expired');
    const consumer = await this.#driver.getConsumer(header.consumerKey).catch(() => null);
    if (consumer === null || consumer.id !== accessToken.consumerId || !signatureMatches(header, consumer.secret, accessToken.secret)) {
      throw new UnauthorizedError('Could not validate the access token');
    }
    return accessToken;
  }

  getAccessToken(id: string): Promise<AccessToken> {
    return this.#driver.getAccessToken(id);
  }

  listAccessTokens(userId: string): Promise<AccessToken[]> {
    return this.#driver.listAccessTokens(userId);
  }

  deleteAccessToken(id: string): Promise<void> {
    return this.#driver.deleteAccessToken(id);
  }

  /** One parameter of the Authorization header, or Keystone's 400 naming it. */
  #param(signed: SignedRequest, name: string): string {
    let params: [string, string][];
    try {
      params = parseAuthorization(signed.authorization);
    } catch (error) {
      throw error instanceof OAuthRequestError ? refused(error) : noHeaders(error);
    }
    const value = params.find(([k]) => k === name)?.[1];
    if (value === undefined || value === '') throw expecting(name, 'request');
    return value;
  }

  /** The signed request's parameters, or Keystone's 400 for what oauthlib refuses outright. */
  #read(signed: SignedRequest): OAuthRequest {
    try {
      return readSignedRequest(signed, nowSeconds());
    } catch (error) {
      throw error instanceof OAuthRequestError ? refused(error) : noHeaders(error);
    }
  }

  async #consumerOf(key: string): Promise<Consumer> {
    try {
      return await this.#driver.getConsumer(key);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError('Provided consumer does not exist.', { cause: error });
      throw error;
    }
  }

  async #roleIdByName(name: string): Promise<string> {
    const found = (await this.#assignment.listRoles({ name })).filter((r) => r.name === name);
    if (found.length === 0) throw new NotFoundError(`Could not find role: Role ${name} is not defined.`);
    if (found.length > 1) throw new ValidationError(`Multiple role entries found with name ${name}.`);
    return (found[0] as { id: string }).id;
  }
}
