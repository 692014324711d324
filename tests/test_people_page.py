"""One page for people (/setup/people): the list with search, adding and importing, and per person
role, badge, PIN and switching on/off; the old admin address redirects to it."""
from staging.store.models import User

from .webutil import csrf_token, login


def test_the_old_people_address_redirects_to_the_one_people_page(client, web_plant):
    login(client, "admin1")
    response = client.get("/admin/users")
    assert response.status_code == 301 and response.location.endswith("/setup/people")


def test_the_people_page_has_every_action_for_each_person(client, web_plant):
    login(client, "admin1")
    html = client.get("/setup/people").get_data(as_text=True)
    for action in ("/setup/people/new", "/setup/import/users", "/setup/people/operator1/edit",
                   "/admin/users/operator1/role", "/admin/users/operator1/badge", "/admin/users/operator1/pin",
                   "/admin/users/operator1/active", "/admin/security"):
        assert f'action="{action}"' in html or f'href="{action}"' in html, action


def test_an_action_comes_back_to_the_people_page_with_what_happened(client, web_plant):
    login(client, "admin1")
    token = csrf_token(client, "/setup/people")
    response = client.post("/admin/users/operator1/role", data={"csrf_token": token, "role": "stager"})
    assert response.status_code == 303 and response.location.endswith("/setup/people")
    page = client.get("/setup/people").get_data(as_text=True)
    assert "Role of operator1 changed" in page and User.get(username="operator1").role == "stager"
    refused = client.post("/admin/users/lead1/pin", data={"csrf_token": token, "pin": "12"})
    assert refused.status_code == 422 and "A PIN is 4 to 12 digits." in refused.get_data(as_text=True)
    assert 'id="people"' in refused.get_data(as_text=True)  # the refusal is on the people page itself


def test_a_lead_may_not_see_the_people_page_at_either_address(client, web_plant):
    login(client, "lead1")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/setup/people").status_code == 403


def test_an_admin_cannot_reset_their_own_password_from_the_people_page(client, web_plant):
    """A reset ends the person's sessions: on oneself it signed the admin out with no word. One's own
    password is changed on the account page, which asks for the current one."""
    login(client, "admin1")
    token = csrf_token(client, "/setup/people/admin1/edit")
    before = User.get(username="admin1").password_hash
    refused = client.post("/setup/people/admin1/password", data={"csrf_token": token, "password": "another-pass-1"})
    assert refused.status_code == 422
    assert "Change your own password on your account page" in refused.get_data(as_text=True)
    assert User.get(username="admin1").password_hash == before
    assert client.get("/setup/people").status_code == 200  # still signed in
