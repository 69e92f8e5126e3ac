"""Asynchronous requests: `Prefer: respond-async`, the job service and idempotency keys.

What NetSuite documents (reference netsuite-rest 1.1 and 3.8; Oracle help chapter
161251386312 "REST Web Services Request Processing" and its sections):

- Any REST request carrying `Prefer: respond-async` is accepted as a job: `202 Accepted`,
  `Preference-Applied: respond-async`, `Location: .../services/rest/async/v1/job/<id>`, no
  body (ORA subsect_161278579295).
- `GET .../async/v1/job/<id>`: `{"links":[self], "completed", "id", "progress",
  "task":{"links":[self: .../job/<id>/task]}}` (same page); `GET .../job/<id>/task` lists
  the job's tasks, `GET .../job/<id>/task/<task>` is `{"links":[related: .../result, self],
  "completed", "endTime", "id", "progress": "succeeded", "startTime"}` (ORA
  subsect_161252896355), and `GET .../task/<task>/result` answers what the request itself
  would have: a record for a GET (ORA subsect_161252889998), `204` with the new record's
  `Location` for a create (a public client reads it so: `resultResponse.status === 204`,
  then `Location`).
- `X-NetSuite-Idempotency-Key: <uuid>` on an asynchronous request: the same key again is
  refused, status 400 titled "Conflict", `IDEMPOTENCY_ERROR`, with `Preference-Applied` and
  the `Location` of the job first submitted (ORA subsect_164494900632, copied as written).
  Synchronous requests ignore the key (reference salesorder-semantics line 272).

Choices where nothing says (INFERRED): the sandbox runs a job at once, so a job is complete
when first polled (a real one may be `pending` for a while; clients poll either way); a job
that failed has progress `failed` and its result is the error NetSuite would have answered
(status and body); `Location` is absolute, like every other `Location` the sandbox sends (the
doc abbreviates it to the path, but clients fetch it as is); a key must be a UUID (every
source calls it one) and is refused otherwise with INVALID_HEADER; a job is visible only to
the role that submitted it (another role gets the same 404 as for a job that never existed);
the job service itself is never asynchronous. Jobs live as long as the store's data: a reset
forgets them and numbers jobs from 1 again.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document
from harness.sandbox.records.context import page_envelope
from harness.sandbox.resterror import RestError
from harness.sandbox.wire import (
    COLLECTION,
    SINGULAR,
    Request,
    Response,
    error_response,
    json_bytes,
    method_not_allowed,
)

JOB_PATH = "/services/rest/async/v1/job"
IDEMPOTENCY_HEADER = "X-NetSuite-Idempotency-Key"
DUPLICATE_KEY = (
    'A request with the same idempotency key is already submitted. See the "Location" '
    "header for a link to the previously submitted job"
)
_JOBS = re.compile(
    r"^/services/rest/async/v1/job(?:/(?P<job>[^/]+)"
    r"(?:/(?P<tasks>task)(?:/(?P<task>[^/]+)(?:/(?P<result>result))?)?)?)?/?$"
)
_ASYNC_CAPABLE = re.compile(r"^/services/rest/(?:record|query)/v1/")
_TASK_ID = "1"  # one request, one task


def is_job_path(path: str) -> bool:
    return path.startswith(JOB_PATH)


def wants_async(request: Request) -> bool:
    """`Prefer: respond-async` on a request that can run as a job."""
    prefer = request.headers.get("prefer", "")
    tokens = {token.strip().lower() for token in re.split(r"[,;]", prefer)}
    return "respond-async" in tokens and bool(_ASYNC_CAPABLE.match(request.path))


@dataclass(frozen=True)
class Job:
    """One asynchronous request, already run: who sent it and what it answered."""

    id: int
    role: str | None
    started: datetime
    ended: datetime
    answer: Response

    @property
    def succeeded(self) -> bool:
        return self.answer[0] < 400


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _link(rel: str, href: str) -> dict[str, str]:
    return {"rel": rel, "href": href}


class AsyncJobs:
    """The account's asynchronous jobs and the idempotency keys they were sent with."""

    def __init__(self, now: Callable[[], datetime], generation: Callable[[], int]) -> None:
        """`now`: the store's clock; `generation`: the store's reset counter (jobs are
        forgotten when it moves)."""
        self._now = now
        self._generation = generation
        self._lock = threading.Lock()
        self._seen = generation()
        self._jobs: dict[int, Job] = {}
        self._keys: dict[str, int] = {}  # idempotency key -> job id (reserved while running)
        self._next = 1

    def _current(self) -> None:
        """Forget every job of a store that was reset since (call with the lock held)."""
        generation = self._generation()
        if generation != self._seen:
            self._seen = generation
            self._jobs.clear()
            self._keys.clear()
            self._next = 1

    # --- submitting -------------------------------------------------------------------

    def submit(self, request: Request, role: str | None, run: Callable[[], Response]) -> Response:
        """Run `request` as a job (`run` answers it, or raises RestError, as a synchronous
        request would); 202, or IDEMPOTENCY_ERROR when its key was seen before."""
        key = _idempotency_key(request)
        with self._lock:
            self._current()
            if key is not None and key in self._keys:
                return _duplicate(self._href(request, self._keys[key]))
            job_id = self._next
            self._next += 1
            if key is not None:
                self._keys[key] = job_id  # reserved now: a concurrent duplicate is refused
        started = self._now()
        try:
            answer = run()
        except RestError as error:  # refused as a synchronous request would have been
            answer = error_response(error.status, error.details, error.headers)
        except BaseException:
            with self._lock:
                if key is not None and self._keys.get(key) == job_id:
                    del self._keys[key]
            raise
        job = Job(job_id, role, started, self._now(), answer)
        with self._lock:
            self._jobs[job_id] = job
        headers = {"Preference-Applied": "respond-async", "Location": self._href(request, job_id)}
        return 202, headers, b""

    def _href(self, request: Request, job_id: int) -> str:
        return f"{request.base_url}{JOB_PATH}/{job_id}"

    # --- the job service ------------------------------------------------------------------

    def answer(self, request: Request, role: str | None) -> Response:
        """`GET .../async/v1/job/<id>[/task[/<task>[/result]]]`."""
        match = _JOBS.match(request.path)
        if match is None or match["job"] is None:
            raise _no_such("The requested URL is not a valid async job resource.")
        if request.method != "GET":
            raise method_not_allowed(request.method, "GET")
        job = self._job(match["job"], role)
        href = self._href(request, job.id)
        if match["tasks"] is None:
            return _document(SINGULAR, self._job_document(job, href))
        if match["task"] is None:
            task = {"links": [_link("self", f"{href}/task/{_TASK_ID}")], "id": _TASK_ID}
            return _document(
                COLLECTION, page_envelope(f"{href}/task", [task], limit=1000, offset=0, total=1)
            )
        if match["task"] != _TASK_ID:
            raise _no_such(f"The task {match['task']} of async job {job.id} does not exist.")
        if match["result"] is None:
            return _document(SINGULAR, self._task_document(job, f"{href}/task/{_TASK_ID}"))
        status, headers, body = job.answer
        return status, dict(headers), body

    def _job(self, raw: str, role: str | None) -> Job:
        with self._lock:
            self._current()
            job = self._jobs.get(int(raw)) if raw.isdecimal() and len(raw) < 16 else None
        if job is None or job.role != role:
            raise _no_such(f"The async job {raw} does not exist.")
        return job

    def _job_document(self, job: Job, href: str) -> dict[str, object]:
        return {
            "links": [_link("self", href)],
            "completed": True,
            "id": str(job.id),
            "progress": "succeeded" if job.succeeded else "failed",
            "task": {"links": [_link("self", f"{href}/task")]},
        }

    def _task_document(self, job: Job, href: str) -> dict[str, object]:
        return {
            "links": [_link("related", f"{href}/result"), _link("self", href)],
            "completed": True,
            "endTime": _stamp(job.ended),
            "id": _TASK_ID,
            "progress": "succeeded" if job.succeeded else "failed",
            "startTime": _stamp(job.started),
        }


def _document(media: str, document: object) -> Response:
    return 200, {"Content-Type": media}, json_bytes(document)


def _no_such(detail: str) -> RestError:
    return RestError.one(404, "NONEXISTENT_ID", detail)


def _idempotency_key(request: Request) -> str | None:
    """The request's idempotency key, checked: None when it sent none."""
    raw = request.headers.get(IDEMPOTENCY_HEADER.lower())
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise RestError.one(
            400,
            "INVALID_HEADER",
            f"Invalid value '{raw[:64]}' for header {IDEMPOTENCY_HEADER}. Provide a UUID, "
            "for example cac827ea-3543-4cda-add2-bae634326c27.",
            header=IDEMPOTENCY_HEADER,
        ) from None


def _duplicate(location: str) -> Response:
    """The documented answer to a key seen before: 400, titled Conflict (sic), with the
    earlier job's Location."""
    document = error_document(400, [error_detail(DUPLICATE_KEY, "IDEMPOTENCY_ERROR")])
    document["type"] = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10"
    document["title"] = "Conflict"
    headers = {
        "Content-Type": ERROR_MEDIA_TYPE,
        "Preference-Applied": "respond-async",
        "Location": location,
    }
    return 400, headers, json_bytes(document)
