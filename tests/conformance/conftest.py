"""Protocol conformance of `seedls serve`, driven by pytest-lsp with the capabilities real
editors send. Every message is structured into lsprotocol's types, so a malformed answer fails,
and pytest-lsp's capability checks are errors (pytest.ini)."""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import time
from collections.abc import Callable
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SEEDLS = os.environ.get("SEEDLS", "seedls")
FIXTURE = pathlib.Path(__file__).parent / "workspace"

# Names as pytest-lsp 1.0.1 ships them: neovim_v0.7.0, neovim_v0.11.0, visual_studio_code_v1.65.2.
PROFILES = ["neovim@0.7", "neovim@0.11", "visual_studio_code"]

TIMEOUT = 20.0

# Requests the server may send, beyond those pytest-lsp answers itself (configuration,
# progress, diagnostic refresh, show document). An unanswered request fails the test.
RECORDED = [
    types.CLIENT_REGISTER_CAPABILITY,
    types.CLIENT_UNREGISTER_CAPABILITY,
    types.WORKSPACE_INLAY_HINT_REFRESH,
    types.WORKSPACE_SEMANTIC_TOKENS_REFRESH,
    types.WORKSPACE_CODE_LENS_REFRESH,
]


def start_params(caps: types.ClientCapabilities, ws: pathlib.Path) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=caps,
        root_uri=ws.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=ws.as_uri(), name="ws")],
        client_info=types.ClientInfo(name="pytest-lsp"),
    )


def record_requests(client: LanguageClient) -> None:
    """Answers the server's requests that pytest-lsp has no handler for, noting each."""
    client.server_requests = []  # type: ignore[attr-defined]

    def recorder(method: str) -> Callable[[Any], None]:
        def handler(params: Any) -> None:
            client.server_requests.append((method, params))  # type: ignore[attr-defined]

        return handler

    for method in RECORDED:
        client.feature(method)(recorder(method))

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        client.server_requests.append((types.WORKSPACE_APPLY_EDIT, params))  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason="not applied in tests")


async def start(client: LanguageClient, caps: types.ClientCapabilities, ws: pathlib.Path, profile: str) -> None:
    record_requests(client)
    client.ws = ws  # type: ignore[attr-defined]
    client.profile = profile  # type: ignore[attr-defined]
    client.init_result = await client.initialize_session(start_params(caps, ws))  # type: ignore[attr-defined]
    client.versions = {}  # type: ignore[attr-defined]
    await wait_indexed(client)


async def stop(client: LanguageClient) -> None:
    server = client._server
    if server is not None and server.returncode is None:
        await client.shutdown_session()


def workspace_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURE, ws)
    return ws


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[SEEDLS, "serve"]),
    params=PROFILES,
    ids=PROFILES,
)
async def client(lsp_client: LanguageClient, request, tmp_path):
    await start(lsp_client, client_capabilities(request.param), workspace_copy(tmp_path), request.param)
    yield
    await stop(lsp_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SEEDLS, "serve"]))
async def plain_client(lsp_client: LanguageClient, tmp_path):
    """Neovim 0.7 without `linkSupport`: navigation must answer with plain locations."""
    caps = client_capabilities("neovim@0.7")
    assert caps.text_document is not None
    caps.text_document.definition = types.DefinitionClientCapabilities(link_support=False)
    caps.text_document.declaration = types.DeclarationClientCapabilities(link_support=False)
    await start(lsp_client, caps, workspace_copy(tmp_path), "neovim@0.7-nolinks")
    yield
    await stop(lsp_client)


# ---------------------------------------------------------------------------------------------
# Helpers the tests share.


async def eventually(what: str, check: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Polls `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def wait_indexed(client: LanguageClient) -> None:
    """The end of the indexing progress, for clients that support progress."""
    caps = client.capabilities
    if not (caps and caps.window and caps.window.work_done_progress):
        return

    def ended() -> bool:
        return any(
            any(isinstance(r, types.WorkDoneProgressEnd) for r in reports)
            for reports in client.progress_reports.values()
        )

    await eventually("the end of indexing", ended)


def encoding(client: LanguageClient) -> str:
    enc = client.init_result.capabilities.position_encoding  # type: ignore[attr-defined]
    return str(enc.value if hasattr(enc, "value") else enc) if enc is not None else "utf-16"


def uri(client: LanguageClient, rel: str) -> str:
    return (client.ws / rel).as_uri()  # type: ignore[attr-defined]


def text_of(client: LanguageClient, rel: str) -> str:
    return (client.ws / rel).read_text(encoding="utf-8")  # type: ignore[attr-defined]


def units(s: str, enc: str) -> int:
    if enc == "utf-8":
        return len(s.encode("utf-8"))
    if enc == "utf-32":
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def position(text: str, offset: int, enc: str) -> types.Position:
    """The protocol position of a character offset, in the negotiated encoding."""
    before = text[:offset]
    line = before.count("\n")
    start = before.rfind("\n") + 1
    return types.Position(line=line, character=units(text[start:offset], enc))


def find(text: str, needle: str, nth: int = 0) -> int:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at


def span(client: LanguageClient, text: str, needle: str, nth: int = 0) -> types.Range:
    s = find(text, needle, nth)
    enc = encoding(client)
    return types.Range(start=position(text, s, enc), end=position(text, s + len(needle), enc))


def at(client: LanguageClient, rel: str, needle: str, delta: int = 0, nth: int = 0) -> types.Position:
    text = text_of(client, rel)
    return position(text, find(text, needle, nth) + delta, encoding(client))


def open_doc(client: LanguageClient, rel: str, text: str | None = None) -> str:
    text = text_of(client, rel) if text is None else text
    client.versions[rel] = 1  # type: ignore[attr-defined]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(client, rel), language_id="seed", version=1, text=text)
        )
    )
    return text


def in_document(text: str, r: types.Range, enc: str) -> bool:
    """Whether a range lies inside the text, on character boundaries of its lines."""
    lines = text.split("\n")

    def ok(p: types.Position) -> bool:
        if p.line >= len(lines):
            return p.line == len(lines) and p.character == 0
        line = lines[p.line].removesuffix("\r")
        widths = {0}
        total = 0
        for ch in line:
            total += units(ch, enc)
            widths.add(total)
        return p.character in widths

    before = (r.start.line, r.start.character) <= (r.end.line, r.end.character)
    return ok(r.start) and ok(r.end) and before


def supports_pull(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic is not None)


async def diagnostics(client: LanguageClient, rel: str, until: Callable[[list], bool] = lambda _: True) -> list:
    """The diagnostics of a document as the client gets them: pulled when it pulls (the server
    then pushes nothing), else pushed. Waits until `until` holds."""
    doc = uri(client, rel)
    if supports_pull(client):
        deadline = time.monotonic() + TIMEOUT
        while True:
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=doc))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport), report
            if until(report.items):
                assert doc not in client.diagnostics, "pushed to a client that pulls"
                return list(report.items)
            assert time.monotonic() < deadline, f"diagnostics of {rel}: {report.items}"
            await asyncio.sleep(0.02)

    def pushed() -> tuple[list] | None:
        items = client.diagnostics.get(doc)
        # A one-tuple: truthy even when the list is empty.
        return (list(items),) if items is not None and until(list(items)) else None

    return (await eventually(f"pushed diagnostics of {rel}", pushed))[0]


def codes(items: list) -> list[str]:
    return sorted(str(d.code) for d in items)


def requests_of(client: LanguageClient, method: str) -> list:
    return [p for m, p in client.server_requests if m == method]  # type: ignore[attr-defined]
