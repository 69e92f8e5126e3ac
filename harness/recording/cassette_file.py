"""The cassette file: vcrpy's YAML layout plus a `harness` metadata block.

Written through `CassetteSerializer` (scrubs every interaction and adds the metadata, the last
step before text, so no code path can write an unscrubbed request or response) and
`CassetteStore` (UTF-8, atomic replace: an xdist worker or a crash never leaves half a file).
Read back with placeholders mapped to the replaying account. `find_leaks` scans a written file
twice: the raw text, and every string of the parsed YAML (which sees through YAML escapes and
`!!binary` bodies).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.serialize import deserialize as vcr_deserialize
from vcr.serialize import serialize as vcr_serialize

from harness.recording.account import AccountMapping
from harness.recording.errors import CassetteUnplayableError, SecretLeakError
from harness.recording.metadata import CassetteMetadata
from harness.recording.scrub import Scrubber, map_interaction
from harness.yamlfile import describe, load_yaml

SERIALIZER = "harness-yaml"
METADATA_KEY = "harness"
_MAX_REPORTED = 5

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML (readable by any loader), multi-line bodies as literal blocks."""


def _represent_str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_document(document: dict[str, Any]) -> str:
    # No line folding: a folded line could split a secret and hide it from the raw-text scan.
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31 - 1)


# --- the document's shape ------------------------------------------------------------------


class _RequestDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")  # vcrpy rebuilds requests from exactly these keys

    method: str
    uri: str
    body: str | bytes | None
    headers: dict[str, list[str]]


class _StatusDoc(BaseModel):
    code: int
    message: str


class _BodyDoc(BaseModel):
    string: str | bytes


class _ResponseDoc(BaseModel):
    status: _StatusDoc
    headers: dict[str, list[str]]
    body: _BodyDoc


class _InteractionDoc(BaseModel):
    request: _RequestDoc
    response: _ResponseDoc


class _CassetteDoc(BaseModel):
    version: Literal[1]
    interactions: list[_InteractionDoc]
    harness: CassetteMetadata | None = None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    return f"{line}invalid YAML: {getattr(exc, 'problem', None) or exc}"


def parse_document(text: str, path: Path) -> tuple[dict[str, Any], CassetteMetadata | None]:
    """The cassette's data and its metadata; anything unusable raises CassetteUnplayableError."""
    return document_of(load_text(text), path)


def load_text(text: str) -> Any:
    """A cassette's text as YAML, or the `yaml.YAMLError` it cannot be read as."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return exc


def document_of(data: Any, path: Path) -> tuple[dict[str, Any], CassetteMetadata | None]:
    """`parse_document` of YAML already loaded (`load_text`)."""
    if isinstance(data, yaml.YAMLError):
        raise CassetteUnplayableError(path, _yaml_problem(data)) from None
    if not isinstance(data, dict):
        raise CassetteUnplayableError(
            path,
            f"not a cassette (expected a mapping with 'interactions', got {type(data).__name__})",
        )
    try:
        document = _CassetteDoc.model_validate(data)
    except ValidationError as exc:
        raise CassetteUnplayableError(path, _shape_problems(path, exc)) from None
    return data, document.harness


def _shape_problems(path: Path, exc: ValidationError) -> str:
    try:
        loaded = load_yaml(path)  # slow but line-aware; only on this error path
        lines = [
            f"line {loaded.line_of(tuple(err['loc']))}: {describe(err)}"
            for err in exc.errors(include_url=False)
        ]
    except Exception:  # the file changed or vanished meanwhile: report without lines
        lines = [describe(err) for err in exc.errors(include_url=False)]
    shown = lines[:_MAX_REPORTED]
    more = len(lines) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


# --- vcrpy serializer and persister --------------------------------------------------------


class CassetteSerializer:
    """vcrpy serializer: scrubs and stamps metadata on the way out, maps the account back in."""

    def __init__(
        self,
        *,
        path: Path,
        scrubber: Scrubber,
        account: AccountMapping,
        metadata: CassetteMetadata,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path = path
        self.scrubber = scrubber
        self.account = account
        self.metadata = metadata
        self.clock = clock
        self.loaded_metadata: CassetteMetadata | None = None
        self.written_metadata: CassetteMetadata | None = None

    def serialize(self, cassette: dict[str, Any]) -> str:
        written = self.metadata.model_copy(update={"recorded_at": self.clock()})
        self.written_metadata = written
        document: dict[str, Any] = {
            METADATA_KEY: written.model_dump(mode="json"),
            "version": cassette["version"],
            "interactions": [self.scrubber.scrub_interaction(i) for i in cassette["interactions"]],
        }
        if cassette.get("metadata"):  # vcrpy's own per-cassette values
            document["metadata"] = _map_strings(cassette["metadata"], self.scrubber.scrub_text)
        return dump_document(document)

    def deserialize(self, text: str) -> dict[str, Any]:
        data, metadata = parse_document(text, self.path)
        self.loaded_metadata = metadata
        data["interactions"] = [
            map_interaction(i, text=self.account.from_placeholder, request=False)
            for i in data["interactions"]
        ]
        return data


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", errors="surrogateescape")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class CassetteStore:
    """vcrpy persister: UTF-8 text, atomic writes, missing parent directories created."""

    def load_cassette(self, cassette_path: str | Path, serializer: Any) -> Any:
        path = Path(cassette_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CassetteNotFoundError() from None
        except UnicodeDecodeError:
            raise CassetteUnplayableError(path, "not UTF-8 text") from None
        return vcr_deserialize(text, serializer)

    def save_cassette(self, cassette_path: str | Path, cassette: Any, serializer: Any) -> None:
        write_atomically(Path(cassette_path), vcr_serialize(cassette, serializer))


# --- leak scan -----------------------------------------------------------------------------


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, fn) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_map_strings(item, fn) for item in value]
    return value


def _strings(value: Any, where: str) -> Iterator[tuple[str, str, str | None]]:
    """(location, text, header name or None) for every string in parsed YAML."""
    if isinstance(value, bytes):
        yield where, value.decode("utf-8", "surrogateescape"), None
    elif isinstance(value, str):
        yield where, value, None
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, str(key), None
            if where.endswith(".headers"):
                for text in item if isinstance(item, list) else [item]:
                    if isinstance(text, bytes):
                        text = text.decode("utf-8", "surrogateescape")
                    yield f"{where}.{key}", str(text), str(key)
            else:
                yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def find_leaks(path: Path, scrubber: Scrubber) -> list[str]:
    """Where `path` still holds a credential `scrubber` knows of (no values, only places)."""
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    return leaks_in(text, load_text(text), scrubber)


def leaks_in(text: str, data: Any, scrubber: Scrubber) -> list[str]:
    """`find_leaks` of a file's text and its YAML (`load_text`), each read once by a caller
    that needs them too."""
    found: dict[str, str] = {}
    for finding in scrubber.findings(text):
        line = text.count("\n", 0, finding.offset or 0) + 1
        found.setdefault(finding.what, f"line {line}: {finding.what}")
    if isinstance(data, yaml.YAMLError):
        data = None  # unreadable YAML is reported as unplayable; the raw scan still counts
    for where, value, header in _strings(data, ""):
        findings = scrubber.header_findings(header, value) if header else scrubber.findings(value)
        for finding in findings:
            found.setdefault(finding.what, f"{where}: {finding.what}")
    # Registered secrets first: they say which credential leaked (by fingerprint).
    return sorted(found.values(), key=lambda place: "registered secret" not in place)


def summarize(places: list[str]) -> str:
    more = len(places) - _MAX_REPORTED
    return "; ".join(places[:_MAX_REPORTED]) + (f"; and {more} more" if more > 0 else "")


def verify_cassette(path: Path, scrubber: Scrubber) -> None:
    """Raise SecretLeakError, after deleting the file, if any credential survived in it."""
    places = find_leaks(path, scrubber)
    if places:
        path.unlink(missing_ok=True)
        raise SecretLeakError(path, summarize(places))
