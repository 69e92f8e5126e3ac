"""HTTPS for the served sandbox: a self-signed certificate, and a TLS front for waitress.

A connector with NetSuite's host written in (`https://1234567-sb1.suitetalk.api.netsuite.com`)
can be pointed at the sandbox through /etc/hosts or curl's `--resolve` once the sandbox speaks
TLS with a certificate for that name, trusted through `REQUESTS_CA_BUNDLE` (Python) or
`NODE_EXTRA_CA_CERTS` (Node.js). waitress speaks plain HTTP only, so the front terminates TLS
and relays the bytes, untouched, to waitress on a second loopback port (which knows its
requests came in as `https`): keep-alive, chunked bodies and `100 Continue` pass through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger("harness.sandbox.tls")

CERTIFICATE_DAYS = 30
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class TlsCertificate:
    """The files of one self-signed setup: the CA clients trust, the server's chain and key."""

    ca_path: Path
    certificate_path: Path
    key_path: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.certificate_path, self.key_path)
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "woo-netsuite-harness sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _alt_names(hosts: Sequence[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(h.strip("[]") for h in hosts if h):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def write_certificate(directory: Path, hosts: Sequence[str]) -> TlsCertificate:
    """A CA and a server certificate for `hosts` (names and IP addresses) in `directory`.

    Two certificates, not one self-signed leaf: strict verifiers (OpenSSL's X509_STRICT, as
    newer Pythons set) refuse a CA certificate presented as a server's.
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC) - timedelta(minutes=5)
    until = now + timedelta(days=CERTIFICATE_DAYS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("woo-netsuite-harness sandbox CA")
    ca_id = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_id, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(_alt_names(hosts)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_id),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    files = TlsCertificate(
        directory / "sandbox-ca.pem",
        directory / "sandbox-server.pem",
        directory / "sandbox-key.pem",
    )
    files.ca_path.write_bytes(ca.public_bytes(pem))
    files.certificate_path.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    files.key_path.touch(mode=0o600)
    files.key_path.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


class TlsFront:
    """TLS on `host:port`, each connection relayed to the plain server at `inner`."""

    def __init__(
        self, context: ssl.SSLContext, host: str, port: int, inner: tuple[str, int]
    ) -> None:
        self._context = context
        self._inner = inner
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(self._quiet)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        started = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(host, port, started, failure), daemon=True, name="sandbox-tls"
        )
        self._thread.start()
        started.wait(timeout=10)
        if failure:
            raise failure[0]
        if self._server is None:
            raise RuntimeError(f"the TLS front on {host}:{port} did not start")
        self.port: int = self._server.sockets[0].getsockname()[1]

    def _run(
        self, host: str, port: int, started: threading.Event, failure: list[BaseException]
    ) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._relay, host, port, ssl=self._context)
            )
        except OSError as error:
            failure.append(error)
            started.set()
            return
        started.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    @staticmethod
    def _quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """A client that gives up mid-handshake (an untrusted certificate) is not our error."""
        log.debug("TLS front: %s", context.get("message"), exc_info=context.get("exception"))

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            inner_reader, inner_writer = await asyncio.open_connection(*self._inner)
        except OSError:
            writer.close()
            return
        try:
            await asyncio.gather(_pipe(reader, inner_writer), _pipe(inner_reader, writer))
        finally:
            for end in (writer, inner_writer):
                end.close()
            if task is not None:
                self._connections.discard(task)

    def stop(self) -> None:
        if not self._loop.is_closed():  # a loop not yet running runs the shutdown first thing
            self._loop.call_soon_threadsafe(self._shutdown)
        self._thread.join(timeout=5)

    def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        self._loop.call_later(0.05, self._loop.stop)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Bytes from `source` to `sink` until either end closes; then the other end is closed."""
    try:
        while chunk := await source.read(_CHUNK):
            sink.write(chunk)
            await sink.drain()
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
        pass
    finally:
        sink.close()
