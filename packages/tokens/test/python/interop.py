"""Keystone's side of keystone-interop.test.ts.

Reads one JSON request on stdin: {"repository", "authMethods", "parse": [token...],
"create": [{"kind", "args"}...], "rotate": bool}. Parses tokens with Keystone's
TokenFormatter.validate_token, creates tokens with TokenFormatter.create_token, and
optionally rotates the key repository with keystone's FernetUtils (after the rest).
Writes {"parsed": [...], "created": [...], "keys": [...]} on stdout.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keystone_env  # noqa: E402

request = json.load(sys.stdin)
keystone_env.configure(request['repository'], request['authMethods'])

from keystone.common import fernet_utils  # noqa: E402
from keystone.token import token_formatters as tf  # noqa: E402

VALIDATE_ORDER = ['user_id', 'methods', 'audit_ids', 'system', 'domain_id', 'project_id', 'trust_id',
                  'federated_group_ids', 'identity_provider_id', 'protocol_id', 'access_token_id',
                  'app_cred_id', 'issued_at', 'expires_at']
CLASSES = {'unscoped': tf.UnscopedPayload, 'domain': tf.DomainScopedPayload, 'project': tf.ProjectScopedPayload,
           'trust': tf.TrustScopedPayload, 'system': tf.SystemScopedPayload,
           'application_credential': tf.ApplicationCredentialScopedPayload, 'oauth1': tf.OauthScopedPayload}

formatter = tf.TokenFormatter()


def parse(token):
    try:
        fields = dict(zip(VALIDATE_ORDER, formatter.validate_token(token)))
        return {k: v for k, v in fields.items() if v is not None}
    except Exception as error:  # reported to the test, which decides
        return {'error': type(error).__name__, 'message': str(error)}


def create(spec):
    token = formatter.create_token(payload_class=CLASSES[spec['kind']], **spec['args'])
    return {'token': token, 'keystone': parse(token)}


result = {
    'parsed': [parse(t) for t in request.get('parse', [])],
    'created': [create(s) for s in request.get('create', [])],
}
if request.get('rotate'):
    utils = fernet_utils.FernetUtils(request['repository'], 3, 'fernet_tokens')
    utils.rotate_keys()
    result['keys'] = sorted(int(n) for n in os.listdir(request['repository']) if n.isdigit())
json.dump(result, sys.stdout)
