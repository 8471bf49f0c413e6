"""A trivial JSON echo app behind the real keystonemiddleware auth_token, for uwsgi.

The config file is named by KSM_BENCH_CONF. Paths under /noauth/ reach the same echo app
without the middleware: the reference for the middleware's added latency.
"""
import json
import logging
import os

from keystonemiddleware import auth_token

logging.basicConfig(level=logging.WARNING)


def echo(environ, start_response):
    headers = {}
    for key, value in environ.items():
        if key.startswith('HTTP_X_') or key.startswith('HTTP_OPENSTACK_'):
            headers[key[5:].replace('_', '-').lower()] = value
    body = json.dumps({'method': environ.get('REQUEST_METHOD'), 'path': environ.get('PATH_INFO'),
                       'headers': headers}, separators=(",", ":")).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]


protected = auth_token.filter_factory(
    {}, oslo_config_project='ksm-bench', oslo_config_file=os.environ['KSM_BENCH_CONF'])(echo)


def application(environ, start_response):
    if environ.get('PATH_INFO', '').startswith('/noauth/'):
        return echo(environ, start_response)
    return protected(environ, start_response)
