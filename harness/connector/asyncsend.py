"""Sending a record as NetSuite's asynchronous REST job, with an idempotency key.

The mapping's `send.async` makes the reference connector send its Sales Order this way:
`Prefer: respond-async` and `X-NetSuite-Idempotency-Key` (reference netsuite-rest 3.8;
Oracle help chapter_161251386312). The key is derived from the request itself (method, URL,
body), so sending the same order twice, after a timeout, a 5xx or a repeated webhook, is
refused as a duplicate key (400 IDEMPOTENCY_ERROR with the first job's `Location`) instead of
being applied twice; any change to the order makes a new key. Either way the connector then
reads the job: polls it until complete, takes its task and reads the task's result, which is
what the request itself would have answered (204 and the record's `Location`, or NetSuite's
error).

Job, task and result URLs are built on the client's own base URL from the ids NetSuite
gives, never followed as given: a recording proxy or a replayed cassette may show another
host.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.netsuite.retry import Mode

IDEMPOTENCY_HEADER = "X-NetSuite-Idempotency-Key"
_KEY_NAMESPACE = uuid.UUID("5b7f4c2e-9a51-4f7a-8a0c-3d2f6e1b9c47")  # this connector's keys


class JobNotFinished(Exception):
    """NetSuite had not finished the job within the connector's patience."""


def idempotency_key(method: str, url: str, params: Mapping[str, str], body: Any) -> str:
    """The same request, the same key (a UUID, as NetSuite expects); any change, a new one."""
    text = json.dumps(
        [method.upper(), url, sorted(params.items()), body],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return str(uuid.uuid5(_KEY_NAMESPACE, hashlib.sha256(text.encode()).hexdigest()))


class AsyncSender:
    """Sends requests as asynchronous jobs through a `NetSuiteClient` and waits for them."""

    def __init__(
        self,
        client: NetSuiteClient,
        *,
        patience: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.patience = patience
        self.sleep = sleep

    def send(
        self, method: str, url: str, body: Any, params: Mapping[str, str] | None = None
    ) -> str | None:
        """Run one request as a job; the internal id its result's `Location` names (None
        when it names none). NetSuite's refusal of the request itself is raised."""
        params = dict(params or {})
        headers = {
            "Prefer": "respond-async",
            IDEMPOTENCY_HEADER: idempotency_key(method, url, params, body),
        }
        try:
            # A job is idempotent by its key: a retried submission that already got through
            # is answered with the first job, never run twice.
            response = self.client._send(
                self.client._operation(),
                method,
                url,
                params=params,
                body=body,
                headers=headers,
                mode=Mode.REPEATABLE,
            )
            location = response.headers.get("Location", "")
        except NetSuiteError as error:
            if (error.code or "").upper() != "IDEMPOTENCY_ERROR":
                raise
            location = error.headers.get("Location", "")  # the job first submitted
        job_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not job_id.isdecimal():
            raise JobNotFinished(f"NetSuite named no job for the request (Location {location!r})")
        return self._result(job_id)

    def _result(self, job_id: str) -> str | None:
        job_url = f"{self.client.rest_url}/async/v1/job/{job_id}"
        waited, delay = 0.0, 0.5
        while not self._get(job_url).get("completed"):
            if waited >= self.patience:
                raise JobNotFinished(
                    f"NetSuite had not finished async job {job_id} after {waited:.0f} s"
                )
            pause = min(delay, self.patience - waited)
            self.sleep(pause)
            waited += pause
            delay = min(delay * 2, 10.0)
        tasks = self._get(f"{job_url}/task").get("items") or [{}]
        task_id = str(tasks[0].get("id") or "1")
        result = self.client._send(
            self.client._operation(), "GET", f"{job_url}/task/{task_id}/result"
        )
        location = result.headers.get("Location")
        return location.rstrip("/").rsplit("/", 1)[-1] if location else None

    def _get(self, url: str) -> dict[str, Any]:
        response = self.client._send(self.client._operation(), "GET", url)
        document = self.client._json_object(response)
        return dict(document)
