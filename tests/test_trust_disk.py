"""A full disk: SQLite's 'disk I/O error' is the disk-full wording too, and the sign-in page answers
while reads work."""
import pytest
from peewee import OperationalError

from staging.store.db import db, disk_full

from .test_faults import _fill_disk
from .webutil import csrf_token


@pytest.mark.parametrize("text", ["disk I/O error", "database or disk is full",
                                  'could not extend file "base/1/2": No space left on device'])
def test_what_a_full_disk_says_is_read_as_a_full_disk(text):
    assert disk_full(OperationalError(text))


def test_another_fault_is_not_called_a_full_disk():
    assert not disk_full(OperationalError("database is locked"))


def test_the_sign_in_page_answers_while_the_disk_is_full(client, web_plant):
    client.get("/login")  # a first visit, before the disk fills
    free_again = _fill_disk(db.obj)
    db.close()
    try:
        for _ in range(3):
            fresh = client.application.test_client()
            page = fresh.get("/login")
            assert page.status_code == 200 and 'name="username"' in page.get_data(as_text=True)
            assert fresh.head("/login").status_code == 200
            assert client.get("/login").status_code == 200
    finally:
        free_again()
        db.close()


@pytest.fixture
def full_disk(tmp_path):
    """The app's SQLite file on a 3 MB file system of its own, filled up: a real full disk (needs the
    right to mount one, as root on the test machines)."""
    import subprocess

    from staging import create_app
    from staging.store.db import migrate
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{mount}/plant.db", "SECRET_KEY": "test",
                          "SEED_DEMO": False})
        migrate()
        with db.connection_context():
            from .plant import Plant
            Plant()
        client = app.test_client()
        token = csrf_token(client)
        db.close()
        with open(mount / "filler", "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        yield app, client, token
    finally:
        db.close()
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_on_a_really_full_disk_the_sign_in_page_answers_and_a_sign_in_says_the_disk_is_full(full_disk):
    app, client, token = full_disk
    page = app.test_client().get("/login")
    assert page.status_code == 200 and 'name="username"' in page.get_data(as_text=True)
    refused = client.post("/login", data={"username": "lead1", "password": "password-123", "csrf_token": token})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 503 and "disk is full" in text and "may or may not" not in text
