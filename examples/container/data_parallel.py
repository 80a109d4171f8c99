"""Data-parallel training across the hosts of a SageMaker job, with the standard library only.

Every host reads `resourceconfig.json` (`hosts`, `current_host`); the first host (algo-1) is the
leader. Hosts exchange vectors of sums over TCP (JSON lines): `allreduce` adds every host's vector
and hands each host the total, so all hosts take the same gradient step and keep the same model.
"""
import json
import socket
import time

from ml_contract import ContractError

DEFAULT_PORT = 7777


class Group:
    """The hosts of the job, as SageMaker names them; one process per host."""

    def __init__(self, hosts, current_host, port=DEFAULT_PORT, timeout=120.0):
        if current_host not in hosts:
            raise ContractError(f'current_host {current_host!r} is not one of hosts {hosts}')
        self.hosts = list(hosts)
        self.rank = self.hosts.index(current_host)
        self.size = len(self.hosts)
        self.port = port
        self.timeout = timeout
        self.peers = []  # the leader's connections to the workers, in rank order
        self.leader = None  # a worker's connection to the leader
        if self.size > 1:
            self._connect()

    @property
    def is_leader(self):
        return self.rank == 0

    def _connect(self):
        deadline = time.monotonic() + self.timeout
        if self.is_leader:
            server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(('0.0.0.0', self.port))
            server.listen(self.size)
            server.settimeout(1.0)
            by_rank = {}
            while len(by_rank) < self.size - 1:
                if time.monotonic() > deadline:
                    missing = [h for r, h in enumerate(self.hosts) if r and r not in by_rank]
                    raise ContractError(f'hosts {missing} did not connect to {self.hosts[0]}:{self.port} within {self.timeout:g} s')
                try:
                    conn, _ = server.accept()
                except socket.timeout:
                    continue
                conn.settimeout(None)
                stream = conn.makefile('rw', encoding='utf-8')
                hello = json.loads(stream.readline())
                by_rank[hello['rank']] = (conn, stream)
            server.close()
            self.peers = [by_rank[r] for r in sorted(by_rank)]
        else:
            while True:
                try:
                    conn = socket.create_connection((self.hosts[0], self.port), timeout=5.0)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise ContractError(f'could not reach the leader {self.hosts[0]}:{self.port} within {self.timeout:g} s') from None
                    time.sleep(0.2)
            conn.settimeout(None)
            stream = conn.makefile('rw', encoding='utf-8')
            self._send(stream, {'rank': self.rank})
            self.leader = (conn, stream)

    @staticmethod
    def _send(stream, payload):
        stream.write(json.dumps(payload) + '\n')
        stream.flush()

    @staticmethod
    def _receive(stream):
        line = stream.readline()
        if not line:
            raise ContractError('a host of the job closed its connection mid-training')
        return json.loads(line)

    def allreduce(self, vector):
        """The element-wise sum of `vector` over every host (the same list on every host)."""
        if self.size == 1:
            return list(vector)
        if self.is_leader:
            total = list(vector)
            for _, stream in self.peers:
                part = self._receive(stream)
                total = [a + b for a, b in zip(total, part)]
            for _, stream in self.peers:
                self._send(stream, total)
            return total
        self._send(self.leader[1], list(vector))
        return self._receive(self.leader[1])

    def broadcast(self, vector):
        """The leader's `vector` on every host."""
        return self.allreduce(vector if self.is_leader else [0.0] * len(vector))

    def close(self):
        for conn, _ in self.peers + ([self.leader] if self.leader else []):
            conn.close()
