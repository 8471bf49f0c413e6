"""The real keystonemiddleware auth_token in front of a WSGI echo app, on a loopback port.

Usage: ksm_echo.py CONFIG_FILE. Prints "listening on http://127.0.0.1:PORT" once it serves;
every response is JSON of the X-*/OpenStack-* values the middleware left in the environ.
"""
import json
import sys
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from keystonemiddleware import auth_token


def echo(environ, start_response):
    headers = {}
    for key, value in environ.items():
        if key.startswith('HTTP_X_') or key.startswith('HTTP_OPENSTACK_'):
            headers[key[5:].replace('_', '-').lower()] = value
    body = json.dumps({'path': environ.get('PATH_INFO'), 'headers': headers}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    conf = {'oslo_config_project': 'ksm-echo', 'oslo_config_file': sys.argv[1]}
    app = auth_token.filter_factory({}, **conf)(echo)
    server = make_server('127.0.0.1', 0, app, server_class=ThreadingServer, handler_class=Quiet)
    print('listening on http://127.0.0.1:%d' % server.server_port, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # runs until the test closes our stdin (or kills us)


if __name__ == '__main__':
    main()
