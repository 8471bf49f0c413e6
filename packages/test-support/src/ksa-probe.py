"""Authenticates with keystoneauth1 and calls the identity API found through the catalog.

Reads {"auth_url", "username", "password", "project_name"} as JSON on stdin and prints
one JSON object on stdout: what the session learned and what the identity endpoint said.
Run with /usr/bin/python3 (the interpreter that has python3-keystoneauth1).
"""
import json
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3

params = json.load(sys.stdin)
auth = v3.Password(
    auth_url=params["auth_url"],
    username=params["username"],
    password=params["password"],
    project_name=params["project_name"],
    user_domain_name="Default",
    project_domain_name="Default",
)
sess = session.Session(auth=auth)
endpoint_filter = {"service_type": "identity", "interface": "public"}
# The relative path is joined to the endpoint the catalog names, not to auth_url.
response = sess.get("/auth/projects", endpoint_filter=endpoint_filter)
json.dump(
    {
        "user_id": sess.get_user_id(),
        "project_id": sess.get_project_id(),
        "endpoint": sess.get_endpoint(**endpoint_filter),
        "request_url": response.url,
        "status": response.status_code,
        "projects": sorted(p["name"] for p in response.json()["projects"]),
    },
    sys.stdout,
)
