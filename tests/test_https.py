"""HTTPS on the plant network: `flask make-certs` makes a plant CA and a server certificate, and
`make run`'s gunicorn serves HTTPS with them (CERT, KEY), verified by a real TLS client that trusts
only the plant CA, as a handheld with the CA installed does."""
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509

ROOT = Path(__file__).resolve().parent.parent


def test_make_certs_makes_a_ca_and_a_server_certificate_signed_by_it(runner, tmp_path):
    result = runner.invoke(args=["make-certs", str(tmp_path), "--host", "scan.plant.local", "--host", "10.1.2.3"])
    assert result.exit_code == 0, result.output
    assert "make run" in result.output and "CERT=" in result.output
    ca = x509.load_pem_x509_certificate((tmp_path / "plant-ca.pem").read_bytes())
    server = x509.load_pem_x509_certificates((tmp_path / "server.pem").read_bytes())[0]
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["scan.plant.local"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["10.1.2.3"]
    assert oct((tmp_path / "server.key").stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "plant-ca.key").stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(args=["make-certs", str(tmp_path), "--host", "scan2.plant.local"])
    assert again.exit_code == 0
    assert x509.load_pem_x509_certificate((tmp_path / "plant-ca.pem").read_bytes()) == ca  # devices keep it


def test_make_certs_refuses_a_bad_host_and_writes_nothing(runner, tmp_path):
    result = runner.invoke(args=["make-certs", str(tmp_path / "certs"), "--host", "http://scan/"])
    assert result.exit_code == 1 and "is not a host name or an IP address" in result.output
    assert not (tmp_path / "certs").exists()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def https_server(runner, tmp_path):
    certs = tmp_path / "certs"
    assert runner.invoke(args=["make-certs", str(certs), "--host", "localhost"]).exit_code == 0
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "CERT": str(certs / "server.pem"), "KEY": str(certs / "server.key"), "SEED_DEMO": "0",
           "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'https.db'}"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:app"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"https://localhost:{port}", certs / "plant-ca.pem"
    proc.terminate()
    proc.wait(10)


def test_gunicorn_serves_https_with_the_plant_certificate(https_server):
    url, ca = https_server
    trusting = ssl.create_default_context(cafile=str(ca))
    response = urllib.request.urlopen(url + "/login", context=trusting, timeout=10)
    assert response.status == 200
    assert "Secure" in response.headers["Set-Cookie"]  # the session cookie never goes out over HTTP
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        urllib.request.urlopen(url + "/login", context=ssl.create_default_context(), timeout=10)
