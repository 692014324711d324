"""A plant's own certificate authority and the server certificate it signs, for HTTPS on the plant
network (the scan page's service worker needs a secure context). The handhelds' device management
installs the CA certificate once; a new server certificate (new host name, expiry) is signed by
the same CA, so devices keep trusting the server. Made with `cryptography`, never by hand."""
import datetime
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT, CA_KEY = "plant-ca.pem", "plant-ca.key"
SERVER_CERT, SERVER_KEY = "server.pem", "server.key"
CA_DAYS = 10 * 365
SERVER_DAYS = 825  # the longest lifetime Apple and Android accept for a server certificate


def make(directory, hosts, plant_name="Plant"):
    """Write the CA (kept if it exists) and a new server certificate for `hosts` (names or IP
    addresses) into `directory`; returns the paths written or used, by file name."""
    if not hosts:
        raise ValueError("Give at least one --host: the name or address the handhelds use.")
    names = [_subject_alt_name(host) for host in hosts]  # refuses a bad name before writing anything
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _ca(folder, plant_name)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(folder / SERVER_KEY, key)
    # The server sends its certificate and the CA's: a client that has the CA verifies the chain.
    (folder / SERVER_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                                       + ca_cert.public_bytes(serialization.Encoding.PEM))
    return {name: folder / name for name in (CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY)}


def _subject_alt_name(host):
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not host or any(ch.isspace() or ch in "/:@" for ch in host):
        raise ValueError(f"“{host}” is not a host name or an IP address.")
    return x509.DNSName(host)


def _ca(folder, plant_name):
    cert_path, key_path = folder / CA_CERT, folder / CA_KEY
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, plant_name),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{plant_name} staging CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _write_key(path, key):
    """A private key, readable by its owner only (created so, never briefly world-readable)."""
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
