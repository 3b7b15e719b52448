"""Throw-away PostgreSQL clusters for the failover drill: a primary and a streaming,
synchronous standby on spare local ports, made with initdb and pg_basebackup.

PostgreSQL's server tools refuse to run as root; as root they run as the ``postgres`` user
(``runuser``). Everything lives in one temporary folder, removed by ``Pair.remove``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from huanxin.ops.pgtools import server_tool

STANDBY_NAME = "standby1"


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-800:]}")


@dataclass
class Cluster:
    data: Path
    port: int
    socket_dir: Path

    def start(self) -> None:
        _run(
            [
                server_tool("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.data.parent / f"{self.data.name}.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            _run([server_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def promote(self) -> None:
        _run([server_tool("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "promote"])

    def kill(self) -> None:
        """SIGKILL the postmaster and every process it started: the server dies mid-work."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        victims = [pid, *_children(pid)]
        for victim in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=3"

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            cur = conn.execute(sql.encode())
            return cur.fetchall() if cur.description else []


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _config(cluster: Cluster, extra: dict[str, str], file: str = "postgresql.auto.conf") -> None:
    lines = [f"{key} = '{value}'" for key, value in extra.items()]
    with (cluster.data / file).open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@dataclass
class Pair:
    folder: Path
    primary: Cluster
    standby: Cluster

    def remove(self) -> None:
        for cluster in (self.standby, self.primary):
            with contextlib.suppress(RuntimeError):  # already dead: the drill killed it
                cluster.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def make_pair(primary_port: int, standby_port: int) -> Pair:
    """Initialise, start and connect a primary and its synchronous standby."""
    folder = Path(tempfile.mkdtemp(prefix="huanxin-drill-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    primary = Cluster(folder / "primary", primary_port, folder)
    standby = Cluster(folder / "standby", standby_port, folder)
    pair = Pair(folder, primary, standby)
    try:
        _run(
            [
                server_tool("initdb"),
                "-D",
                str(primary.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        _config(
            primary,
            {
                "port": str(primary_port),
                "listen_addresses": "127.0.0.1",
                "unix_socket_directories": str(folder),
                "wal_level": "replica",
                "max_wal_senders": "4",
                "synchronous_commit": "on",
                "synchronous_standby_names": STANDBY_NAME,
                "shared_buffers": "64MB",
                "max_connections": "200",
            },
        )
        primary.start()
        _run(
            [
                server_tool("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary_port),
                "-U",
                "postgres",
                "-D",
                str(standby.data),
                "-X",
                "stream",
                "-R",
                "-c",
                "fast",
            ]
        )
        conninfo = (
            f"host=127.0.0.1 port={primary_port} user=postgres application_name={STANDBY_NAME}"
        )
        # once promoted it is alone: it must not wait for a standby of its own
        _config(
            standby,
            {
                "port": str(standby_port),
                "primary_conninfo": conninfo,
                "synchronous_standby_names": "",
            },
        )
        standby.start()
        _wait_sync(primary)
    except BaseException:
        pair.remove()
        raise
    return pair


def _wait_sync(primary: Cluster, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    sql = "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'"
    while time.monotonic() < deadline:
        if primary.execute(sql) == [("sync",)]:
            return
        time.sleep(0.2)
    raise RuntimeError("the standby did not become synchronous in time")
