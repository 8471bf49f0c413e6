// An Express service behind Baton's auth_token middleware (the connect adapter). GET /whoami
// answers who called; GET /forward calls UPSTREAM_URL on the caller's behalf with the caller's
// token and this service's own token in X-Service-Token, so it works after the caller's token expired.
import express from 'express';
import { authContextOf, authTokenMiddleware, createAuthToken, loadAuthTokenConfig } from '@baton/auth-token';
import { loadConfig, serviceUserGroup } from '@baton/config';
import { loadServiceUser, loadServiceUserAuth, Session, StaticTokenAuth } from '@baton/session';

const files = [process.env.SERVICE_CONF ?? 'service.conf'];
const upstream = process.env.UPSTREAM_URL;
const auth = createAuthToken(loadAuthTokenConfig(files, process.env).config);
const { config } = loadConfig({ files, groups: [serviceUserGroup], env: process.env });
loadServiceUserAuth(config); // a missing or wrong [service_user] option stops start-up here

const app = express();
app.use(authTokenMiddleware(auth.core));

app.get('/whoami', (req, res) => {
  const context = authContextOf(req);
  res.json({ user: context.user?.userName, expired: context.userTokenExpired });
});

app.get('/forward', async (req, res) => {
  const userAuth = new StaticTokenAuth({ token: req.get('x-auth-token') });
  const session = new Session({ auth: loadServiceUser(config, userAuth) });
  const answer = await session.get('/', { endpointOverride: upstream });
  res.json({ upstream: answer.status });
});

const server = app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
