"""Signs requests with oauthlib's Client (what keystoneauth's oauth1 plugin uses) and checks
signatures with oauthlib's SignatureOnlyEndpoint, for signature.test.ts. Reads a JSON list of
cases on stdin, writes one result per case."""
import json
import sys

from oauthlib import oauth1
from oauthlib.oauth1.rfc5849 import signature


def sign(case):
    client = oauth1.Client(case['consumerKey'], client_secret=case['consumerSecret'],
                           resource_owner_key=case.get('token'), resource_owner_secret=case.get('tokenSecret'),
                           verifier=case.get('verifier'), callback_uri=case.get('callback'),
                           nonce=case['nonce'], timestamp=case['timestamp'],
                           signature_method=oauth1.SIGNATURE_HMAC)
    _, headers, _ = client.sign(case['url'], http_method=case['method'])
    return headers['Authorization']


def verify(case):
    request = oauth1.rfc5849.endpoints.base.BaseEndpoint(None)._create_request(
        case['url'], case['method'], '', {'Authorization': case['authorization']})
    return signature.verify_hmac_sha1(request, case['consumerSecret'], case.get('tokenSecret'))


cases = json.load(sys.stdin)
print(json.dumps([sign(c) if 'authorization' not in c else verify(c) for c in cases]))
