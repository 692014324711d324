"""A reset can end API tokens: a password reset and a badge reissue end them unless the admin
unticks the box; the people page lists each person's tokens with their last use and a revoke."""
import re

import pytest

from staging.domain.people.users import create_token
from staging.store.models import ApiToken

from .webutil import csrf_token, login


@pytest.fixture
def admin(client, web_plant):
    login(client, "admin1")
    return client


def works(client, token):
    return client.get("/api/locations", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_password_reset_ends_the_persons_api_tokens_by_default(admin):
    token = create_token("lead1", "planning script")
    form = admin.get("/setup/people/lead1/edit").get_data(as_text=True)
    assert re.search(r'<input type="checkbox" name="end_tokens" value="1" checked>', form)
    response = admin.post("/setup/people/lead1/password", data={
        "csrf_token": csrf_token(admin, "/setup/people"), "password": "a-new-password-1", "end_tokens": "1"})
    assert response.status_code == 303
    assert not works(admin.application.test_client(), token)


def test_a_reset_with_the_box_unticked_keeps_the_tokens(admin):
    token = create_token("lead1", "planning script")
    admin.post("/setup/people/lead1/password", data={"csrf_token": csrf_token(admin, "/setup/people"),
                                                     "password": "a-new-password-1"})
    assert works(admin.application.test_client(), token)


def test_a_badge_reissue_ends_the_tokens_when_asked(admin):
    token = create_token("operator1", "line scanner")
    page = admin.get("/setup/people").get_data(as_text=True)
    assert 'name="end_tokens" value="1" checked' in page
    admin.post("/admin/users/operator1/badge", data={"csrf_token": csrf_token(admin, "/setup/people"),
                                                     "end_tokens": "1"})
    assert not works(admin.application.test_client(), token)


def test_the_people_page_lists_tokens_with_last_use_and_revokes_one(admin):
    used, idle = create_token("stager1", "label robot"), create_token("stager1", "old export")
    assert works(admin.application.test_client(), used)
    page = admin.get("/setup/people").get_data(as_text=True)
    row = page[page.index('id="user-stager1"'):]
    row = row[:row.index("</tr>")]
    assert "API token label robot, last used 20" in row and "API token old export, last used never" in row
    assert used not in page and idle not in page  # the tokens themselves are never shown
    idle_id = ApiToken.get(ApiToken.name == "old export").id
    response = admin.post(f"/admin/tokens/{idle_id}/revoke", data={"csrf_token": csrf_token(admin, "/setup/people")})
    assert response.status_code == 303
    assert "The API token is revoked" in admin.get("/setup/people").get_data(as_text=True)
    assert not works(admin.application.test_client(), idle) and works(admin.application.test_client(), used)
    again = admin.post(f"/admin/tokens/{idle_id}/revoke", data={"csrf_token": csrf_token(admin, "/setup/people")})
    assert again.status_code == 404 and "No such API token" in again.get_data(as_text=True)


def test_only_an_admin_revokes_a_token(client, web_plant):
    token = create_token("stager1", "label robot")
    login(client, "lead1")
    token_id = ApiToken.get(ApiToken.name == "label robot").id
    response = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/inventory")})
    assert response.status_code == 403
    assert works(client.application.test_client(), token)
