"""Runs keystone-manage steps in one Python process, for startKeystone.

Each keystone-manage run spends ~4 s of CPU importing keystone before it does anything;
a fresh Keystone needs db_sync, fernet_setup, credential_setup and bootstrap. This calls
keystone-manage's own entry point for each step in turn (arguments as keystone-manage
takes them), and after db_sync switches the SQLite database to WAL.

Usage: keystone-setup.py CONFIG_FILE SQLITE_FILE '[["db_sync"], ["bootstrap", ...], ...]'
Run with /usr/bin/python3 (the interpreter that has python3-keystone).
"""
import json
import sqlite3
import sys

from keystone.cmd import cli

config_file, database, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
for step in steps:
    # Each step parses its own command line, as if keystone-manage had been started afresh.
    cli.CONF.reset()
    cli.main(argv=['keystone-manage', '--config-file', config_file, *step])
    if step[0] == 'db_sync':
        # A worker's open read transaction must not lock out the next write
        # ("database is locked" on POST /v3/roles otherwise). The mode persists in the file.
        sqlite3.connect(database).execute('PRAGMA journal_mode=WAL').fetchall()
