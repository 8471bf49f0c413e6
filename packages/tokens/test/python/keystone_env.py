"""Shared setup for the scripts here: Keystone's CONF pointed at a key repository.

Runs under /usr/bin/python3 with the Debian python3-keystone package.
"""
import keystone.conf

CONF = keystone.conf.CONF


def configure(key_repository, auth_methods, default_domain_id='default'):
    keystone.conf.configure()
    CONF(args=[], project='keystone', default_config_files=[])
    CONF.set_override('key_repository', key_repository, group='fernet_tokens')
    CONF.set_override('max_active_keys', 3, group='fernet_tokens')
    CONF.set_override('methods', auth_methods, group='auth')
    CONF.set_override('default_domain_id', default_domain_id, group='identity')
