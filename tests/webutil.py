"""Helpers for tests that use the app through HTTP like a browser does (session + CSRF token)."""
import re

from staging.domain.people.users import create_user

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    return TOKEN.search(html).group(1)


def login(client, username, password="password-123"):
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def user(username, role, password="password-123", **kwargs):
    return create_user(username, role, password, **kwargs)
