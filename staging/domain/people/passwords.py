"""Checking a secret against its stored hash (passwords and PINs), one check at a time. No Flask."""
import threading

from werkzeug.security import check_password_hash, generate_password_hash

# scrypt takes 32 MB per check: four threads signing in at once pushed a worker from 60 to 200 MB.
# One check at a time per process (two cores gain nothing from more anyway).
_HASHING = threading.Lock()


def check(password_hash, secret):
    with _HASHING:
        return check_password_hash(password_hash, secret)


# Checked when there is no hash to check against, so a wrong name takes as long as a wrong secret.
DUMMY = generate_password_hash("not-a-password")
