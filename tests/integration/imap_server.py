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
    port = 0
  }}
}}
"""


@dataclass
class Dovecot:
    port: int
    root: Path
    process: subprocess.Popen

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


def start_dovecot(skip) -> Dovecot:
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
    port = _free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, port=port, uid=uid, gid=gid, internal=internal,
        internal_group=internal_group, login=login))
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot(port, root, process)
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
