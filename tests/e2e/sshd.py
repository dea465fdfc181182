"""A throwaway OpenSSH server on loopback, for tests that log in over real SSH.

``SshServer`` makes a temporary folder with a host key, a client key and an ``authorized_keys``
file, writes a private ``sshd_config`` (loopback only, a free port above 1024, key login only,
no PAM, ``StrictModes no`` because the keys live in a world-readable temp folder), runs
``sshd -D -e`` in the foreground and waits until it answers with its SSH banner. It works both as
root (root login by key is allowed in the private config) and as an ordinary user (sshd then runs
unprivileged and can only log that user in, which is all a test needs).

``ssh_argv(remote_command)`` gives the client command line: ``ssh -tt`` (a pty on the server even
though the client's stdin is a pane), no user config (``-F /dev/null``), no known_hosts.
``remote_command`` builds the command line the server runs. ``marked_pids``/``ancestors`` find a
test's processes in ``/proc`` by the ``MARK_VAR`` value in their environment, and tell whether
they descend from this server.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

# Tests put a unique value of this variable into the environment of the app they start, so they
# can find exactly that process (and its children) in /proc, wherever it was started from.
MARK_VAR = "NEURON_TUI_TEST_MARK"
_SSHD_CANDIDATES = ("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd")


def sshd_binary() -> str | None:
    """Path of the OpenSSH server, or None (it is usually not on an ordinary user's PATH)."""
    found = shutil.which("sshd")
    if found:
        return found
    for candidate in _SSHD_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_tools() -> list[str]:
    """Names of the programs an SSH test needs that cannot be found (empty when all are there)."""
    missing = []
    if sshd_binary() is None:
        missing.append("sshd (openssh-server)")
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (openssh-client)")
    return missing


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now (always above 1024)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "neuron-tui-e2e", "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )


class SshServer:
    """An ``sshd`` listening on ``127.0.0.1:port`` that accepts the generated client key.

    Use as a context manager, or call ``start()`` and ``stop()``. ``pid`` is the listening
    daemon; sessions it forks are its children, which is how a test tells its processes apart.
    """

    def __init__(self) -> None:
        sshd = sshd_binary()
        if sshd is None:
            raise FileNotFoundError("sshd (openssh-server) is not installed")
        self._sshd = sshd
        self.dir = Path(tempfile.mkdtemp(prefix="e2e-sshd-"))
        self.user = pwd.getpwuid(os.getuid()).pw_name
        self.host_key = self.dir / "host_ed25519"
        self.client_key = self.dir / "client_ed25519"
        self.config = self.dir / "sshd_config"
        self.log = self.dir / "sshd.log"
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """PID of the listening sshd."""
        if self._proc is None:
            raise RuntimeError("sshd is not running")
        return self._proc.pid

    def _write_config(self) -> None:
        self.config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    f"AuthorizedKeysFile {self.dir / 'authorized_keys'}",
                    f"PidFile {self.dir / 'sshd.pid'}",
                    "PermitRootLogin prohibit-password",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    # The keys sit in a temp folder that other users may read: do not refuse them.
                    "StrictModes no",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "X11Forwarding no",
                    "AllowTcpForwarding no",
                    # Notice a dead client within ~3 s even if the TCP connection lingers.
                    "ClientAliveInterval 1",
                    "ClientAliveCountMax 3",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )

    def start(self, timeout: float = 15.0) -> SshServer:
        """Make the keys and config, start sshd and wait until it greets on its port."""
        _keygen(self.host_key)
        _keygen(self.client_key)
        shutil.copyfile(self.client_key.with_suffix(".pub"), self.dir / "authorized_keys")
        if os.geteuid() == 0:
            # sshd running as root chroots its unprivileged child into this directory.
            Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        # The free port can be taken between probing and sshd's bind: retry with a new one.
        for _attempt in range(3):
            self.port = free_port()
            self._write_config()
            with self.log.open("ab") as log:
                self._proc = subprocess.Popen(
                    [self._sshd, "-D", "-e", "-f", str(self.config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            if self._wait_banner(deadline):
                return self
            self._terminate()
        raise RuntimeError(f"sshd did not start; its log:\n{self.log.read_text(errors='replace')}")

    def _wait_banner(self, deadline: float) -> bool:
        assert self._proc is not None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as s:
                    if s.recv(64).startswith(b"SSH-"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def ssh_argv(self, remote_command: str, *, tty: bool = True) -> list[str]:
        """The ``ssh`` command line that logs into this server and runs ``remote_command``."""
        argv = [
            shutil.which("ssh") or "ssh",
            "-F",
            "/dev/null",
            "-i",
            str(self.client_key),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
        ]
        if tty:
            argv.append("-tt")
        argv += [f"{self.user}@127.0.0.1", remote_command]
        return argv

    def _terminate(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None

    def stop(self) -> None:
        """Stop the daemon (open sessions are separate processes and end with their client)."""
        self._terminate()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> SshServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def remote_command(
    program: str, env: Mapping[str, str], cwd: str | os.PathLike[str], *args: str
) -> str:
    """The shell command sshd runs on the server: go to ``cwd``, set ``env``, run ``program``.

    Only the variables in ``env`` are set explicitly (``PATH`` is given so the console script's
    folder comes first); the login shell provides the rest, as for a person logging in.
    """
    assigns = [f"{k}={shlex.quote(v)}" for k, v in env.items()]
    words = ["exec", "env", *assigns, shlex.quote(program), *map(shlex.quote, args)]
    return f"cd {shlex.quote(str(cwd))} && " + " ".join(words)


# --------------------------------------------------------------------------------------------
# Processes, found by the marker in their environment
# --------------------------------------------------------------------------------------------


def marked_pids(marker: str) -> list[int]:
    """PIDs of live processes whose environment holds ``NEURON_TUI_TEST_MARK=marker``."""
    needle = f"{MARK_VAR}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = _stat_fields(int(entry.name))[0]
        except (OSError, IndexError):
            continue  # gone meanwhile, or not ours to read
        if state != "Z" and needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _stat_fields(pid: int) -> list[str]:
    """Fields of ``/proc/PID/stat`` after the command name (state, ppid, ...)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name is in parentheses and may itself contain spaces or ')'.
    return text[text.rindex(")") + 2 :].split()


def ancestors(pid: int) -> list[int]:
    """Parent, grandparent, ... of ``pid`` up to init (empty if ``pid`` is gone)."""
    chain: list[int] = []
    current = pid
    while current > 1:
        try:
            current = int(_stat_fields(current)[1])
        except (OSError, IndexError, ValueError):
            break
        chain.append(current)
    return chain
