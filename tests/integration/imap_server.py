"""A real IMAP server for the tests: Debian's Dovecot started on a loopback port with a
throwaway configuration, mail store and user (skipped with the reason when Dovecot is
not installed; .ci/run installs dovecot-imapd)."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "accueil@test", "mot-de-passe-imap"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = {uid}
first_valid_gid = {gid}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""
TLS_CONFIG = """\
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
"""


@dataclass
class Dovecot:
    port: int
    root: Path
    process: subprocess.Popen
    tls_port: int = 0  # implicit TLS (imaps), with ``ca_file`` when started with tls=True

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put one mail into the user's folder (IMAP APPEND), unread."""
        client = self.client()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw)
        finally:
            client.logout()

    def uids(self, folder="INBOX", criteria=("ALL",)) -> list[int]:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return client.search(list(criteria))
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def _users():
    """(mail uid, gid, internal user, its group, login user): ourselves, unless we are
    root, which Dovecot refuses for mail and login processes (then its own users)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name, me.pw_name
    internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
    group = __import__("grp").getgrgid(internal.pw_gid).gr_name
    return internal.pw_uid, internal.pw_gid, internal.pw_name, group, login.pw_name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(root: Path) -> None:
    """A certificate for localhost and 127.0.0.1, its own authority."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (root / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (root / "key.pem").chmod(0o600)


def start_dovecot(skip, tls: bool = False) -> Dovecot:
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists(
        "/usr/sbin/dovecot") else None)
    if binary is None:
        skip("dovecot not installed: apt-get install dovecot-imapd (.ci/run does)")
    try:
        uid, gid, internal, internal_group, login = _users()
    except KeyError as exc:
        skip(f"dovecot's system users are missing ({exc}): reinstall dovecot-core")
    root = Path(tempfile.mkdtemp(prefix="reclamations-dovecot-"))
    root.chmod(0o755)  # the mail processes run as another user when we are root
    for name in ("mail", "home"):
        (root / name).mkdir()
        os.chown(root / name, uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port, tls_port = _free_port(), (_free_port() if tls else 0)
    config = CONFIG.format(root=root, port=port, tls_port=tls_port, uid=uid, gid=gid,
                           internal=internal, internal_group=internal_group, login=login)
    if tls:
        _self_signed(root)
        config = config.replace("ssl = no\n", TLS_CONFIG.format(root=root))
    (root / "dovecot.conf").write_text(config)
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot(port, root, process, tls_port)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            skip(f"dovecot did not start: {output[-500:]}")
        try:
            server.client().logout()
            return server
        except OSError:
            time.sleep(0.1)
        except Exception:  # noqa: BLE001 - the server answered but is not ready yet
            time.sleep(0.1)
    server.stop()
    skip("dovecot did not answer within 15 s")
    return server
