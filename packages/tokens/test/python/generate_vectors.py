"""Generate ../fixtures/keystone-vectors.json with Keystone's own code.

Usage: /usr/bin/python3 packages/tokens/test/python/generate_vectors.py

Payloads are assembled by keystone.token.token_formatters' payload classes, packed with
msgpack and sealed with cryptography's Fernet at a fixed time and IV; each token is then
read back through Keystone's TokenFormatter.validate_token, whose output is recorded too.
"""
import base64
import datetime
import hashlib
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keystone_env  # noqa: E402

AUTH_METHODS = ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential']
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
TIMESTAMP = 1795325000
IV = bytes(range(0xa0, 0xb0))
USER = '2f4c2b9d8c3e4a1fa0b1c2d3e4f50617'
PROJECT = '9a8b7c6d5e4f40312a1b2c3d4e5f6071'
DOMAIN = 'c0ffee00c0ffee00c0ffee00c0ffee00'
TRUST = '0123456789ab4cdef0123456789abcde'
APP_CRED = 'aaaabbbbccccddddeeeeffff00001111'
AUDIT = 'qL2g4nYXRjmM3y9Ii3mEow'
AUDIT2 = 'Zm9vYmFyYmF6cXV4MTIzNA'
EXPIRES = '2026-11-22T06:40:21.000000Z'

repo = tempfile.mkdtemp()
with open(os.path.join(repo, '0'), 'w') as f:
    f.write(KEY)
keystone_env.configure(repo, AUTH_METHODS)

from cryptography import fernet  # noqa: E402
from keystone.auth import plugins as auth_plugins  # noqa: E402
from keystone.common import utils as ks_utils  # noqa: E402
from keystone.token import token_formatters as tf  # noqa: E402
import msgpack  # noqa: E402

CASES = [
    # name, payload class, our kind, keyword arguments for assemble
    ('unscoped', tf.UnscopedPayload, 'unscoped', dict(methods=['password'])),
    ('domain-default', tf.DomainScopedPayload, 'domain', dict(methods=['password'], domain_id='default')),
    ('domain-uuid', tf.DomainScopedPayload, 'domain', dict(methods=['password'], domain_id=DOMAIN)),
    ('project', tf.ProjectScopedPayload, 'project', dict(methods=['password'], project_id=PROJECT)),
    ('project-rescoped', tf.ProjectScopedPayload, 'project',
     dict(methods=['token', 'password'], project_id=PROJECT, audit_ids=[AUDIT, AUDIT2])),
    ('project-ldap-user', tf.ProjectScopedPayload, 'project',
     dict(user_id='ldap-üser-with-a-rather-long-identifier-0123456789', methods=['password'], project_id=PROJECT)),
    ('project-hyphenated-ids', tf.ProjectScopedPayload, 'project',
     dict(user_id='{2f4c2b9d-8c3e-4a1f-a0b1-c2d3e4f50617}', methods=['password'],
          project_id='urn:uuid:9a8b7c6d-5e4f-4031-2a1b-2c3d4e5f6071')),
    ('project-microseconds', tf.ProjectScopedPayload, 'project',
     dict(methods=['password'], project_id=PROJECT, expires_at='2026-11-22T06:40:21.999999Z')),
    ('trust', tf.TrustScopedPayload, 'trust', dict(methods=['password'], project_id=PROJECT, trust_id=TRUST)),
    ('system', tf.SystemScopedPayload, 'system', dict(methods=['password'], system='all')),
    ('application-credential', tf.ApplicationCredentialScopedPayload, 'application_credential',
     dict(methods=['application_credential'], project_id=PROJECT, app_cred_id=APP_CRED)),
    ('application-credential-named', tf.ApplicationCredentialScopedPayload, 'application_credential',
     dict(methods=['application_credential'], project_id='not-a-uuid', app_cred_id='also-not-a-uuid')),
    ('unscoped-ec2', tf.UnscopedPayload, 'unscoped', dict(methods=['ec2credential'])),
    ('unscoped-no-methods', tf.UnscopedPayload, 'unscoped', dict(methods=[])),
]

ASSEMBLE_ORDER = ['user_id', 'methods', 'system', 'project_id', 'domain_id', 'expires_at', 'audit_ids',
                  'trust_id', 'federated_group_ids', 'identity_provider_id', 'protocol_id',
                  'access_token_id', 'app_cred_id']
VALIDATE_ORDER = ['user_id', 'methods', 'audit_ids', 'system', 'domain_id', 'project_id', 'trust_id',
                  'federated_group_ids', 'identity_provider_id', 'protocol_id', 'access_token_id',
                  'app_cred_id', 'issued_at', 'expires_at']


def vector(name, cls, kind, args):
    fields = dict.fromkeys(ASSEMBLE_ORDER)
    fields.update(user_id=USER, expires_at=EXPIRES, audit_ids=[AUDIT])
    fields.update(args)
    payload = (cls.version,) + cls.assemble(*[fields[k] for k in ASSEMBLE_ORDER])
    plaintext = msgpack.packb(payload)
    token = fernet.Fernet(KEY)._encrypt_from_parts(plaintext, TIMESTAMP, IV).rstrip(b'=').decode()
    validated = dict(zip(VALIDATE_ORDER, tf.TokenFormatter().validate_token(token)))
    ours = {
        'kind': kind, 'userId': fields['user_id'], 'methods': fields['methods'],
        'expiresAt': cls._convert_time_string_to_float(fields['expires_at']), 'auditIds': fields['audit_ids'],
    }
    extra = {'domain': {'domainId': 'domain_id'}, 'project': {'projectId': 'project_id'},
             'trust': {'projectId': 'project_id', 'trustId': 'trust_id'}, 'system': {'system': 'system'},
             'application_credential': {'projectId': 'project_id', 'applicationCredentialId': 'app_cred_id'}}
    for our_name, ks_name in extra.get(kind, {}).items():
        ours[our_name] = fields[ks_name]
    return {'name': name, 'payload': ours, 'plaintextHex': plaintext.hex(), 'token': token,
            'keystone': {k: v for k, v in validated.items() if v is not None}}


UUID_CASES = [USER, USER.upper(), '{%s}' % USER, 'urn:uuid:' + USER, '2f4c2b9d-8c3e-4a1f-a0b1-c2d3e4f50617',
              '+' + USER[1:], '0x' + USER[2:], '0X_' + USER[3:], USER[:10] + '_' + USER[11:], ' ' + USER[1:],
              USER[1:] + '\t', '\x1c' + USER[1:], '__' + USER[2:], USER[:31] + '_', USER[:-1], USER + '0',
              'g' + USER[1:], 'default', '', '--' + USER + '--', '{{' + USER + '}}', 'uuid:urn:' + USER,
              'urn:' + USER, USER[:16] + 'urn:' + USER[16:], '0x' + '_' * 30, '+0x' + USER[3:], 'x' * 32]


def uuid_case(value):
    ok, packed = tf.BasePayload.attempt_convert_uuid_hex_to_bytes(value)
    return {'input': value, 'hex': packed.hex() if ok else None}


TIME_CASES = [0.0, 1795329621.0, 1795329621.5, 1795329621.999999, 1795329621.9999994, 1795329621.9999995,
              1795329621.9999996, 1700000000.0000005, 1700000000.0000015, 951782400.25, 253402300799.0]


def time_case(value):
    at = datetime.datetime.utcfromtimestamp(value)
    return {'input': value, 'output': ks_utils.isotime(at, subsecond=True)}


METHOD_MASKS = [0, 1, 2, 6, 32, 63, 2 ** 32, 2 ** 32 + 2, 2 ** 33 + 2 ** 32 + 1]

MSGPACK_CASES = [None, True, False, 0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5,
                 -1, -32, -33, -128, -129, -32768, -32769, -2 ** 31, -2 ** 31 - 1, 1700000000.0, 0.5, -0.0,
                 '', 'a' * 31, 'a' * 32, 'a' * 255, 'a' * 256, 'é' * 20, 'a' * 65536, b'', b'\x00' * 255,
                 b'\x01' * 256, b'\x02' * 65536, [], [1] * 15, [1] * 16, [[True, b'\x00' * 16], 'x', [1.5]]]


def msgpack_case(value):
    # Long strings and byte strings are written as {repeat, count}, and their packing as a
    # SHA-256, to keep the fixture small.
    def describe(v):
        if isinstance(v, (bytes, str)) and len(v) > 300:
            return {'repeat': v[:1].hex() if isinstance(v, bytes) else v[:1], 'bin': isinstance(v, bytes),
                    'count': len(v)}
        if isinstance(v, bytes):
            return {'bin': v.hex()}
        if isinstance(v, float):
            return {'float64': v}
        if isinstance(v, list):
            return [describe(x) for x in v]
        return v
    packed = msgpack.packb(value)
    if len(packed) > 1000:
        return {'input': describe(value), 'sha256': hashlib.sha256(packed).hexdigest()}
    return {'input': describe(value), 'hex': packed.hex()}


fixtures = {
    'generatedBy': 'packages/tokens/test/python/generate_vectors.py',
    'keystone': 'python3-keystone ' + __import__('importlib.metadata').metadata.version('keystone'),
    'msgpack': '.'.join(map(str, msgpack.version)),
    'key': KEY, 'timestamp': TIMESTAMP, 'ivHex': IV.hex(), 'authMethods': AUTH_METHODS,
    'defaultDomainId': 'default',
    'vectors': [vector(*case) for case in CASES],
    'uuids': [uuid_case(v) for v in UUID_CASES],
    'times': [time_case(v) for v in TIME_CASES],
    'methodMasks': [{'mask': m, 'methods': auth_plugins.convert_integer_to_method_list(m)} for m in METHOD_MASKS],
    'msgpack': [msgpack_case(v) for v in MSGPACK_CASES],
}
shutil.rmtree(repo)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'keystone-vectors.json')
with open(out, 'w') as f:
    json.dump(fixtures, f, indent=1, ensure_ascii=False)
    f.write('\n')
print('wrote', os.path.normpath(out))
