// A node:http service behind Baton's auth_token middleware. GET /whoami answers who called;
// GET /forward calls UPSTREAM_URL on the caller's behalf with the caller's token and this
// service's own token in X-Service-Token, so the call works even once the caller's token expired.
import { createServer } from 'node:http';
import { authContextOf, createAuthToken, loadAuthTokenConfig, withAuthToken } from '@baton/auth-token';
import { loadConfig, serviceUserGroup } from '@baton/config';
import { loadServiceUser, loadServiceUserAuth, Session, StaticTokenAuth } from '@baton/session';

const files = [process.env.SERVICE_CONF ?? 'service.conf'];
const upstream = process.env.UPSTREAM_URL;
const auth = createAuthToken(loadAuthTokenConfig(files, process.env).config);
const { config } = loadConfig({ files, groups: [serviceUserGroup], env: process.env });
loadServiceUserAuth(config); // a missing or wrong [service_user] option stops start-up here

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handle(req, res) {
  const context = authContextOf(req);
  if (req.url === '/whoami') return send(res, 200, { user: context.user?.userName, expired: context.userTokenExpired });
  if (req.url === '/forward' && upstream !== undefined) {
    const userAuth = new StaticTokenAuth({ token: req.headers['x-auth-token'] });
    const session = new Session({ auth: loadServiceUser(config, userAuth) });
    const answer = await session.get('/', { endpointOverride: upstream });
    return send(res, 200, { upstream: answer.status });
  }
  send(res, 404, { error: { code: 404, title: 'Not Found', message: `No route ${req.url}` } });
}

const server = createServer(withAuthToken(auth.core, (req, res) => {
  handle(req, res).catch((error) => send(res, 502, { error: { code: 502, title: 'Bad Gateway', message: error.message } }));
}));
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
