// A Fastify service in TypeScript behind Baton's auth_token middleware. GET /whoami answers who
// called; GET /forward calls UPSTREAM_URL on the caller's behalf with the caller's token and this
// service's own token in X-Service-Token, so it works after the caller's token expired.
import Fastify from 'fastify';
import { createAuthToken, installAuthToken, loadAuthTokenConfig, type AuthContext } from '@baton/auth-token';
import { loadConfig, serviceUserGroup } from '@baton/config';
import { loadServiceUser, loadServiceUserAuth, Session, StaticTokenAuth } from '@baton/session';

const files = [process.env.SERVICE_CONF ?? 'service.conf'];
const upstream = process.env.UPSTREAM_URL;
const auth = createAuthToken(loadAuthTokenConfig(files, process.env).config);
const { config } = loadConfig({ files, groups: [serviceUserGroup], env: process.env });
loadServiceUserAuth(config); // a missing or wrong [service_user] option stops start-up here

const app = Fastify();
installAuthToken(app, auth.core);
app.addHook('onClose', () => auth.close());

app.get('/whoami', async (request) => {
  const context: AuthContext | null = request.authToken;
  return { user: context?.user?.userName, expired: context?.userTokenExpired };
});

app.get('/forward', async (request) => {
  // The middleware let the request through, so it carried exactly one user token.
  const userAuth = new StaticTokenAuth({ token: request.headers['x-auth-token'] as string });
  const session = new Session({ auth: loadServiceUser(config, userAuth) });
  const answer = await session.get('/', { endpointOverride: upstream });
  return { upstream: answer.status };
});

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 8080) });
console.log(`listening on ${url}`);
