"""The high-contrast theme is a per-device cookie the server renders pages in (no flash before a
script runs), signed in or not; a theme that does not exist is refused in words, nothing set."""
from .webutil import csrf_token, login, user


def choose(client, theme, next_path="/login"):
    return client.post("/account/theme", data={"csrf_token": csrf_token(client), "theme": theme, "next": next_path})


def test_high_contrast_is_rendered_by_the_server_and_can_be_switched_off(client, app):
    response = choose(client, "contrast")
    assert response.status_code == 303 and response.location == "/login"
    assert "theme=contrast" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    assert '<html lang="en" data-theme="contrast">' in client.get("/login").get_data(as_text=True)
    choose(client, "normal")
    assert "data-theme" not in client.get("/login").get_data(as_text=True)


def test_the_toggle_is_on_the_scan_page_and_in_the_header(client, app):
    user("olga", "operator")
    login(client, "olga")
    for path in ("/scan", "/inventory"):
        page = client.get(path).get_data(as_text=True)
        assert 'action="/account/theme"' in page and 'aria-pressed="false">High contrast' in page, path


def test_an_unknown_theme_is_refused_in_words_and_nothing_is_set(client, app):
    response = choose(client, "<b>neon</b>")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "There is no theme called “&lt;b&gt;neon&lt;/b&gt;”" in text
    assert "Set-Cookie" not in response.headers or "theme=" not in response.headers["Set-Cookie"]


def test_it_never_sends_anyone_off_the_site(client, app):
    assert choose(client, "contrast", "//evil.example/").location == "/"
