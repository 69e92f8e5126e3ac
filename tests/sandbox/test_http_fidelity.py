"""The sandbox over a real socket speaks HTTP/1.1 as clients in any language expect it.

Keep-alive, chunked request bodies, `Expect: 100-continue`, a body without Content-Type, a
percent-encoded path signed as sent, the account's own NetSuite host, HTTPS with a certificate
a client can trust, and injected latency spent inside the concurrency gate (so a burst of slow
requests sees NetSuite's 429s). Each test talks to the served sandbox as a client would,
through `http.client` or `requests`, with no knowledge of the server inside.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuthClient
from sandbox_helpers import Client, tba

from harness.sandbox.account import Governance, demo_profile
from harness.sandbox.serve import HttpServer, Sandbox
from harness.sandbox.tls import TlsCertificate, write_certificate

RECORD = "/services/rest/record/v1"
CUSTOMER = {"companyName": "Wire Co", "subsidiary": {"id": 1}}


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, HttpServer]]:
    sandbox = Sandbox()
    server = sandbox.serve_http()
    yield sandbox, server
    server.stop()
    sandbox.close()


def authorization(sandbox: Sandbox, method: str, url: str, body: str | None = None) -> str:
    """The TBA header a client computes for `method url` (oauthlib, as most clients use)."""
    c = sandbox.profile.credentials.tba[0]
    signer = OAuthClient(
        c.consumerKey,
        client_secret=c.consumerSecret,
        resource_owner_key=c.tokenId,
        resource_owner_secret=c.tokenSecret,
        signature_method=SIGNATURE_HMAC_SHA256,
        realm=sandbox.account_id,
    )
    _, headers, _ = signer.sign(url, http_method=method)
    return str(headers["Authorization"])


def port_of(server: HttpServer) -> int:
    return int(urlsplit(server.url).port or 0)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), response.read()


def test_one_connection_carries_many_requests(served: tuple[Sandbox, HttpServer]) -> None:
    sandbox, server = served
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        sockets = []
        for record_id in ("1001", "1002", "1001"):
            path = f"{RECORD}/customer/{record_id}"
            headers = {"Authorization": authorization(sandbox, "GET", server.url + path)}
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            assert response.status == 200
            assert not response.will_close  # HTTP/1.1 keep-alive
            response.read()
            sockets.append(connection.sock)
        assert sockets[0] is not None and sockets.count(sockets[0]) == 3  # never reconnected
    finally:
        connection.close()


def test_a_chunked_body_is_read_whole(served: tuple[Sandbox, HttpServer]) -> None:
    sandbox, server = served
    url = server.url + f"{RECORD}/customer"
    body = json.dumps(CUSTOMER).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        connection.request(
            "POST",
            f"{RECORD}/customer",
            body=iter([body[:7], body[7:]]),  # an iterable body goes out chunked
            headers={
                "Content-Type": "application/json",
                "Authorization": authorization(sandbox, "POST", url),
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 204, response.read()
        location = response.getheader("Location") or ""
    finally:
        connection.close()
    got = Client(server.url, tba(sandbox)).get(location).json()
    assert got["companyName"] == "Wire Co"


def test_expect_100_continue_gets_the_interim_answer_before_the_body(
    served: tuple[Sandbox, HttpServer],
) -> None:
    sandbox, server = served
    path = f"{RECORD}/customer"
    body = json.dumps(CUSTOMER).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port_of(server)}\r\n"
        f"Authorization: {authorization(sandbox, 'POST', server.url + path)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(head)
        interim = sock.recv(1024)  # nothing of the body has been sent yet
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim
        sock.sendall(body)
        status, headers, _ = read_answer(sock)
    assert status == 204
    assert headers["Location"].startswith(server.url)


def test_a_body_without_content_type_is_read_as_json(served: tuple[Sandbox, HttpServer]) -> None:
    sandbox, server = served
    url = server.url + f"{RECORD}/customer"
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        connection.putrequest("POST", f"{RECORD}/customer", skip_accept_encoding=True)
        body = json.dumps(CUSTOMER).encode()
        connection.putheader("Authorization", authorization(sandbox, "POST", url))
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)  # no Content-Type header at all, as got sends a string
        response = connection.getresponse()
        assert response.status == 204, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("key", ["eid%3AWOO-778", "eid:caf%C3%A9", "eid%3Acaf%C3%A9"])
def test_a_percent_encoded_path_is_signed_as_sent(
    served: tuple[Sandbox, HttpServer], key: str
) -> None:
    sandbox, server = served
    client = Client(server.url, tba(sandbox))
    written = client.put(f"record/v1/customer/{key}", CUSTOMER)
    assert written.status_code == 204, written.text
    assert client.get(f"record/v1/customer/{key}").json()["companyName"] == "Wire Co"


def test_the_accounts_netsuite_host_is_accepted(served: tuple[Sandbox, HttpServer]) -> None:
    sandbox, server = served
    host = f"{sandbox.host}:{port_of(server)}"
    path = f"{RECORD}/customer/1001"
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Host": host,
                "Authorization": authorization(sandbox, "GET", f"http://{host}{path}"),
            },
        )
        response = connection.getresponse()
        document = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 200, document
    assert document["entityId"] == "Jane Doe"
    assert document["links"][0]["href"] == f"http://{host}{path}"


def test_another_accounts_netsuite_host_is_refused(served: tuple[Sandbox, HttpServer]) -> None:
    sandbox, server = served
    host = f"7654321-sb1.suitetalk.api.netsuite.com:{port_of(server)}"
    path = f"{RECORD}/customer/1001"
    connection = http.client.HTTPConnection("127.0.0.1", port_of(server), timeout=10)
    try:
        connection.request(
            "GET",
            path,
            headers={
                "Host": host,
                "Authorization": authorization(sandbox, "GET", f"http://{host}{path}"),
            },
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 401


def test_twelve_slow_requests_at_once_see_netsuites_429() -> None:
    sandbox = Sandbox(faults="latency=1500ms")  # long enough that all 12 overlap, even on a busy CI
    limit = sandbox.profile.governance.concurrencyLimit
    server = sandbox.serve_http()
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def one() -> None:
        client = Client(server.url, tba(sandbox))
        start.wait(timeout=10)
        began = time.perf_counter()
        status = client.get("record/v1/customer/1001").status_code
        with lock:
            answers.append((status, time.perf_counter() - began))

    try:
        threads = [threading.Thread(target=one) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.stop()
        sandbox.close()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * limit + [429] * (12 - limit)
    # The 429s come at once, the admitted requests after their latency.
    assert all(seconds < 1.2 for status, seconds in answers if status == 429)
    assert all(seconds >= 1.45 for status, seconds in answers if status == 200)


# --- HTTPS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> TlsCertificate:
    many = demo_profile().model_copy(update={"governance": Governance(concurrencyLimit=50)})
    return write_certificate(
        tmp_path_factory.mktemp("tls"), [many.host, "localhost", "127.0.0.1", "::1"]
    )


@pytest.fixture
def served_tls(certificate: TlsCertificate) -> Iterator[tuple[Sandbox, HttpServer]]:
    sandbox = Sandbox()
    server = sandbox.serve_http(tls=certificate)
    yield sandbox, server
    server.stop()
    sandbox.close()


def test_https_with_the_printed_ca_works_for_a_python_client(
    served_tls: tuple[Sandbox, HttpServer], certificate: TlsCertificate
) -> None:
    sandbox, server = served_tls
    assert server.url.startswith("https://127.0.0.1:")
    session = requests.Session()
    session.auth = tba(sandbox)
    ca = str(certificate.ca_path)  # per request: REQUESTS_CA_BUNDLE would beat session.verify
    got = session.get(server.url + f"{RECORD}/customer/1001", timeout=10, verify=ca)
    assert got.status_code == 200, got.text
    assert got.json()["links"][0]["href"].startswith(server.url)  # https links
    created = session.post(server.url + f"{RECORD}/customer", json=CUSTOMER, timeout=10, verify=ca)
    assert created.status_code == 204, created.text
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url + f"{RECORD}/customer/1001", timeout=10, verify=True)


def test_https_on_netsuites_host_resolved_to_the_loopback(
    served_tls: tuple[Sandbox, HttpServer], certificate: TlsCertificate
) -> None:
    """What /etc/hosts or curl's --resolve does: NetSuite's name, the sandbox's address."""
    sandbox, server = served_tls
    host = f"{sandbox.host}:{port_of(server)}"
    path = f"{RECORD}/customer/1001"
    context = ssl.create_default_context(cafile=str(certificate.ca_path))
    raw = socket.create_connection(("127.0.0.1", port_of(server)), timeout=10)
    with context.wrap_socket(raw, server_hostname=sandbox.host) as sock:
        signed = authorization(sandbox, "GET", f"https://{host}{path}")
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {signed}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        status, _, body = read_answer(sock)
    assert status == 200, body
    assert json.loads(body)["links"][0]["href"] == f"https://{host}{path}"


def test_the_certificate_names_the_account_host_and_the_loopback(
    certificate: TlsCertificate,
) -> None:
    from cryptography import x509

    chain = certificate.certificate_path.read_bytes()
    leaf = x509.load_pem_x509_certificates(chain)[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "1234567-sb1.suitetalk.api.netsuite.com" in names.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert oct(certificate.key_path.stat().st_mode & 0o777) == "0o600"
    assert b"PRIVATE KEY" not in certificate.ca_path.read_bytes()


def test_stopping_frees_the_https_port(certificate: TlsCertificate, tmp_path: Path) -> None:
    sandbox = Sandbox()
    server = sandbox.serve_http(tls=certificate)
    server.stop()
    sandbox.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + f"{RECORD}/customer/1001", timeout=2, verify=False)


def test_stopping_when_the_loop_already_closed_its_trigger_is_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """stop() sets the flag, then wakes the loop; a loop that saw the flag first has already
    closed its trigger: the wake-up is then moot, not an error at teardown."""
    sandbox = Sandbox()
    served = sandbox.serve_http()
    waitress_server, loop = served.server._server, served.server._thread
    assert loop is not None
    wake = waitress_server.pull_trigger

    def late_wake() -> None:
        loop.join(timeout=10)  # the loop ends (and closes the trigger) first
        wake()

    monkeypatch.setattr(waitress_server, "pull_trigger", late_wake)
    served.stop()
    assert not loop.is_alive()
    sandbox.close()
