"""Redis Cluster and Redis Sentinel started for one run, on free loopback ports, in temp dirs.

``RedisClusterServers``: three masters (``redis-server --cluster-enabled yes``) joined by
``redis-cli --cluster create``, no replica. ``SentinelServers``: a master, its replica and
three sentinels (quorum 2) watching them under the service name ``pixgar``, with a short
``down-after-milliseconds`` so a failover takes seconds. Neither persists anything.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Self

import redis

from pixgar.bench.services import ServiceUnavailable, free_port, wait_for_port

SERVICE_NAME = "pixgar"
EPHEMERAL = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ServiceUnavailable(f"{name} is not installed (scripts/bootstrap test installs it)")
    return found


class _Processes:
    """Servers started here, each stopped by :meth:`close`."""

    def __init__(self, prefix: str) -> None:
        self.server = _binary("redis-server")
        self.directory = Path(tempfile.mkdtemp(prefix=prefix))
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    def start(self) -> Self:
        """Start every server and wait until they serve; on failure stop those started."""
        try:
            self._start()
        except BaseException:
            self.close()  # a half-started topology leaves no process behind
            raise
        return self

    def _start(self) -> None:
        raise NotImplementedError

    def spawn(self, port: int, *args: str) -> None:
        log = (self.directory / f"{port}.log").open("wb")
        self.processes[port] = subprocess.Popen(  # noqa: S603  # redis-server, our arguments
            [self.server, *args], stdout=log, stderr=subprocess.STDOUT, cwd=self.directory)
        log.close()
        wait_for_port(port, up=True)

    def kill(self, port: int) -> None:
        """Stop one server at once (SIGKILL), as a crashed host would."""
        process = self.processes.pop(port)
        process.kill()
        process.wait(timeout=10)

    def close(self) -> None:
        for port in list(self.processes):
            self.kill(port)
        shutil.rmtree(self.directory, ignore_errors=True)


class RedisClusterServers(_Processes):
    """A three-master Redis Cluster on loopback; ``url`` is the proxy's ``REDIS_URL``."""

    def __init__(self, masters: int = 3) -> None:
        super().__init__("pixgar-cluster-")
        self.cli = _binary("redis-cli")
        self.ports = [free_port() for _ in range(masters)]
        self.bus_ports = [free_port() for _ in range(masters)]  # not port + 10000: may not exist

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def _start(self) -> None:
        for port, bus_port in zip(self.ports, self.bus_ports, strict=True):
            self.spawn(port, "--port", str(port), *EPHEMERAL, "--cluster-enabled", "yes",
                       "--cluster-port", str(bus_port),
                       "--cluster-config-file", f"nodes-{port}.conf",
                       "--cluster-node-timeout", "2000")
        subprocess.run([self.cli, "--cluster", "create",  # noqa: S603  # redis-cli, our ports
                        *(f"127.0.0.1:{port}" for port in self.ports),
                        "--cluster-replicas", "0", "--cluster-yes"],
                       check=True, capture_output=True, timeout=60)
        self._wait_until_ok()

    def _wait_until_ok(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = []
            for port in self.ports:
                client = redis.Redis(port=port, socket_timeout=1)
                try:
                    states.append(client.cluster("info").get("cluster_state"))
                finally:
                    client.close()
            if all(state == "ok" for state in states):
                return
            time.sleep(0.2)
        raise ServiceUnavailable("the Redis Cluster did not reach cluster_state:ok")

    def node_clients(self) -> list[redis.Redis]:
        return [redis.Redis(port=port) for port in self.ports]


class SentinelServers(_Processes):
    """A master, its replica and three sentinels; ``url`` is the proxy's ``REDIS_URL``."""

    def __init__(self, down_after_ms: int = 1000) -> None:
        super().__init__("pixgar-sentinel-")
        self.master_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.down_after_ms = down_after_ms

    @property
    def url(self) -> str:
        nodes = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://{nodes}/{SERVICE_NAME}/0"

    def _start(self) -> None:
        self.spawn(self.master_port, "--port", str(self.master_port), *EPHEMERAL)
        self.spawn(self.replica_port, "--port", str(self.replica_port), *EPHEMERAL,
                   "--replicaof", "127.0.0.1", str(self.master_port))
        for port in self.sentinel_ports:
            config = self.directory / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self.directory}\n"
                f"sentinel monitor {SERVICE_NAME} 127.0.0.1 {self.master_port} 2\n"
                f"sentinel down-after-milliseconds {SERVICE_NAME} {self.down_after_ms}\n"
                f"sentinel failover-timeout {SERVICE_NAME} 10000\n"
                f"sentinel parallel-syncs {SERVICE_NAME} 1\n")
            self.spawn(port, str(config), "--sentinel")
        self._wait_for_replica()

    def _wait_for_replica(self, timeout: float = 30.0) -> None:
        """Until the replica has synced and every sentinel knows the master, its replica
        and its peers: before that, a ``WAIT 1`` fails and a failover cannot be voted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._replica_synced() and all(map(self._sentinel_ready, self.sentinel_ports)):
                return
            time.sleep(0.1)
        raise ServiceUnavailable("the replica did not sync, or the sentinels did not see it")

    def _replica_synced(self) -> bool:
        replica = redis.Redis(port=self.replica_port, socket_timeout=1)
        try:
            return replica.info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False
        finally:
            replica.close()

    def _sentinel_ready(self, port: int) -> bool:
        client = redis.Redis(port=port, socket_timeout=1, decode_responses=True)
        try:
            fields: Any = client.sentinel_master(SERVICE_NAME)  # parsed into a dict
            return int(fields.get("num-slaves", 0)) >= 1 and \
                int(fields.get("num-other-sentinels", 0)) >= len(self.sentinel_ports) - 1
        except (redis.RedisError, TypeError, ValueError):
            return False
        finally:
            client.close()

    def master_address(self) -> tuple[str, int] | None:
        """The master the sentinels name now (None while none answers)."""
        for port in self.sentinel_ports:
            client = redis.Redis(port=port, socket_timeout=1)
            try:
                answer: Any = client.sentinel_get_master_addr_by_name(SERVICE_NAME)
                host, master_port = answer
                return (host.decode() if isinstance(host, bytes) else str(host)), int(master_port)
            except (redis.RedisError, TypeError):
                continue
            finally:
                client.close()
        return None

    def kill_master(self) -> int:
        """Kill the current master's process; its port is returned."""
        address = self.master_address()
        if address is None:
            raise ServiceUnavailable("no sentinel names a master")
        self.kill(address[1])
        return address[1]
