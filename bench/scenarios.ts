import type { RequestSpec } from './measure.ts';
import type { BenchTarget } from './targets.ts';

export type Scenario = {
  name: string;
  title: string;
  /** the only status a correct answer has; anything else is flagged in the table */
  expect: number;
  request(target: BenchTarget): RequestSpec;
};

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'issue',
    // The token method, not password: with password auth bcrypt would be most of the cost
    // on both sides and the comparison would say little about the rest of the issue path.
    title: 'POST /v3/auth/tokens, token method: re-scope demo token to project demo',
    expect: 201,
    request: (t) => ({
      url: `${t.url}/auth/tokens`,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['token'], token: { id: t.userToken } },
          scope: { project: { name: 'demo', domain: { id: 'default' } } },
        },
      }),
    }),
  },
  {
    name: 'validate',
    title: 'GET /v3/auth/tokens, X-Auth-Token admin, X-Subject-Token demo (with catalog)',
    expect: 200,
    request: (t) => ({
      url: `${t.url}/auth/tokens`,
      method: 'GET',
      headers: { 'x-auth-token': t.adminToken, 'x-subject-token': t.userToken, accept: 'application/json' },
    }),
  },
];
