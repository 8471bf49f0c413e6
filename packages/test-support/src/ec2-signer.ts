// EC2 request signatures made by the real keystoneclient.contrib.ec2.utils.Ec2Signer (Debian's
// python3-keystoneclient), the signer EC2 and S3 front ends use with /v3/ec2tokens: Baton's
// checks are tested against it, not against a copy of our own code.
import { execFileSync } from 'node:child_process';
import { SYSTEM_PYTHON } from './keystone.ts';

/** The `credentials` member of a POST /v3/ec2tokens body, before its signature. */
export interface Ec2Request {
  access: string;
  host: string;
  verb: string;
  path: string;
  params: Record<string, string>;
  headers?: Record<string, string>;
  body_hash?: string;
}

const SIGN = `
import json, sys
from keystoneclient.contrib.ec2.utils import Ec2Signer
out = []
for secret, request in json.load(sys.stdin):
    out.append(Ec2Signer(secret).generate(request))
print(json.dumps(out))
`;

/** Signs each request with its secret, in one Python process; returns the signatures in order. */
export function ec2Sign(requests: readonly (readonly [secret: string, request: Ec2Request])[]): string[] {
  const text = execFileSync(SYSTEM_PYTHON, ['-c', SIGN], { input: JSON.stringify(requests), encoding: 'utf8' });
  return JSON.parse(text) as string[];
}
