"""The features every client gets, for each client profile: handshake, diagnostics,
navigation, quick fixes, the workspace (files on disk, folders, settings) and shutdown."""

from __future__ import annotations

import pytest
from conftest import (
    at,
    codes,
    diagnostics,
    encoding,
    eventually,
    in_document,
    open_doc,
    requests_of,
    span,
    supports_pull,
    text_of,
    uri,
    wait_indexed,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

WATCHED = ["**/*.txt", "**/entities.tsv", "**/*.entities.tsv", "**/schema.tsv", "**/.seedls.json"]


def tdpp(cls, client: LanguageClient, rel: str, pos: types.Position):
    """Text document position parameters of the request type `cls`."""
    return cls(text_document=types.TextDocumentIdentifier(uri=uri(client, rel)), position=pos)


async def references(client: LanguageClient, rel: str, needle: str, declaration: bool = True) -> list[str]:
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, rel)),
            position=at(client, rel, needle),
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )
    return sorted({relative(client, loc.uri) for loc in found or []})


def relative(client: LanguageClient, target: str) -> str:
    """A URI as a path relative to the workspace folder (`../other/x` for a sibling folder)."""
    ws = client.ws.as_uri() + "/"  # type: ignore[attr-defined]
    parent = client.ws.parent.as_uri() + "/"  # type: ignore[attr-defined]
    if target.startswith(ws):
        return target.removeprefix(ws)
    assert target.startswith(parent), target
    return "../" + target.removeprefix(parent)


# ---------------------------------------------------------------------------------------------
# Handshake.


async def test_initialize_advertises_what_is_implemented(client: LanguageClient):
    result = client.init_result  # type: ignore[attr-defined]
    assert result.server_info is not None and result.server_info.name == "seedls"
    caps = result.capabilities
    offered = client.capabilities.general and client.capabilities.general.position_encodings
    expected = "utf-8" if offered and types.PositionEncodingKind.Utf8 in offered else "utf-16"
    assert encoding(client) == expected
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental
    for provider in ["hover", "definition", "declaration", "references", "document_highlight"]:
        assert getattr(caps, f"{provider}_provider") not in (None, False), provider
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert types.CodeActionKind.QuickFix in (caps.code_action_provider.code_action_kinds or [])
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert caps.diagnostic_provider.inter_file_dependencies and caps.diagnostic_provider.workspace_diagnostics
    folders = caps.workspace and caps.workspace.workspace_folders
    assert folders and folders.supported and folders.change_notifications is True
    # Indexing was reported with a token the client created (every profile supports progress).
    (token,) = client.progress_reports
    kinds = [type(r) for r in client.progress_reports[token]]
    assert kinds[0] is types.WorkDoneProgressBegin and kinds[-1] is types.WorkDoneProgressEnd


# ---------------------------------------------------------------------------------------------
# Diagnostics.


async def test_diagnostics_of_an_open_document_are_pushed_or_pulled(client: LanguageClient):
    text = open_doc(client, "seeds/a.txt")
    items = await diagnostics(client, "seeds/a.txt", lambda d: len(d) > 0)
    assert codes(items) == ["A005", "A011"]
    a005 = next(d for d in items if d.code == "A005")
    assert a005.severity == types.DiagnosticSeverity.Warning and a005.source == "seedls"
    # After ’ on the line: the column depends on the negotiated encoding.
    assert a005.range == span(client, text, "kz.emergency")
    for d in items:
        assert in_document(text, d.range, encoding(client))


async def test_pulled_document_and_workspace_diagnostics(client: LanguageClient):
    if not supports_pull(client):
        pytest.skip(f"{client.profile} does not pull diagnostics")  # type: ignore[attr-defined]
    doc = types.TextDocumentIdentifier(uri=uri(client, "seeds/bad.txt"))
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert codes(list(report.items)) == ["H001"]
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc, previous_result_id=report.result_id)
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == report.result_id

    workspace = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item for item in workspace.items}
    bad = by_uri[uri(client, "seeds/bad.txt")]
    assert isinstance(bad, types.WorkspaceFullDocumentDiagnosticReport)
    assert codes(list(bad.items)) == ["H001"] and bad.version is None
    previous = [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in workspace.items if i.result_id]
    unchanged = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert all(isinstance(i, types.WorkspaceUnchangedDocumentDiagnosticReport) for i in unchanged.items)


# ---------------------------------------------------------------------------------------------
# Hover and navigation.


async def test_hover_card(client: LanguageClient):
    text = open_doc(client, "seeds/a.txt")
    hover = await client.text_document_hover_async(
        tdpp(types.HoverParams, client, "seeds/a.txt", at(client, "seeds/a.txt", "président", 2))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    formats = client.capabilities.text_document.hover.content_format  # type: ignore[union-attr]
    assert hover.contents.kind == formats[0]
    assert "Kassym-Jomart Tokaïev" in hover.contents.value
    assert "Mentioned 2 times in 2 articles." in hover.contents.value
    assert hover.range == span(client, text, "[président]{person:kz.tokayev}")
    # Nothing under the cursor: no hover, no error.
    nothing = await client.text_document_hover_async(
        tdpp(types.HoverParams, client, "seeds/a.txt", at(client, "seeds/a.txt", "Crise"))
    )
    assert nothing is None


def link_support(client: LanguageClient, feature: str) -> bool:
    caps = getattr(client.capabilities.text_document, feature, None)  # type: ignore[union-attr]
    return bool(caps and caps.link_support)


async def test_definition_goes_to_the_registry_row(client: LanguageClient):
    text = open_doc(client, "seeds/a.txt")
    registry = text_of(client, "entities.tsv")
    found = await client.text_document_definition_async(
        tdpp(types.DefinitionParams, client, "seeds/a.txt", at(client, "seeds/a.txt", "kz.tokayev", 3))
    )
    assert isinstance(found, list) and len(found) == 1
    row = span(client, registry, "kz.tokayev")
    if link_support(client, "definition"):
        (link,) = found
        assert isinstance(link, types.LocationLink)
        assert link.target_uri == uri(client, "entities.tsv")
        assert link.target_selection_range == row
        assert link.origin_selection_range == span(client, text, "kz.tokayev")
    else:
        assert found == [types.Location(uri=uri(client, "entities.tsv"), range=row)]


async def test_definition_and_declaration_without_link_support(plain_client: LanguageClient):
    client = plain_client
    open_doc(client, "seeds/b.txt")
    pos = at(client, "seeds/b.txt", "kz.tokayev")
    found = await client.text_document_definition_async(tdpp(types.DefinitionParams, client, "seeds/b.txt", pos))
    assert found == [types.Location(uri=uri(client, "entities.tsv"), range=span(client, text_of(client, "entities.tsv"), "kz.tokayev"))]
    found = await client.text_document_declaration_async(tdpp(types.DeclarationParams, client, "seeds/b.txt", pos))
    a = text_of(client, "seeds/a.txt")
    assert found == [types.Location(uri=uri(client, "seeds/a.txt"), range=span(client, a, "kz.tokayev"))]


async def test_declaration_is_the_first_mention(client: LanguageClient):
    open_doc(client, "seeds/b.txt")
    found = await client.text_document_declaration_async(
        tdpp(types.DeclarationParams, client, "seeds/b.txt", at(client, "seeds/b.txt", "kz.tokayev"))
    )
    a = text_of(client, "seeds/a.txt")
    assert isinstance(found, list) and len(found) == 1
    (target,) = found
    if link_support(client, "declaration"):
        assert isinstance(target, types.LocationLink)
        assert (target.target_uri, target.target_selection_range) == (uri(client, "seeds/a.txt"), span(client, a, "kz.tokayev"))
    else:
        assert target == types.Location(uri=uri(client, "seeds/a.txt"), range=span(client, a, "kz.tokayev"))


async def test_references_span_closed_files_and_the_registry(client: LanguageClient):
    open_doc(client, "seeds/b.txt")
    assert await references(client, "seeds/b.txt", "kz.tokayev", declaration=False) == ["seeds/a.txt", "seeds/b.txt"]
    assert await references(client, "seeds/b.txt", "kz.tokayev") == ["entities.tsv", "seeds/a.txt", "seeds/b.txt"]


async def test_document_highlight_marks_mentions_and_role_uses(client: LanguageClient):
    text = open_doc(client, "seeds/a.txt")
    found = await client.text_document_document_highlight_async(
        tdpp(types.DocumentHighlightParams, client, "seeds/a.txt", at(client, "seeds/a.txt", "Alma-Ata"))
    )
    assert list(found or []) == [
        types.DocumentHighlight(range=span(client, text, "kz.almaty"), kind=types.DocumentHighlightKind.Write),
        types.DocumentHighlight(range=span(client, text, "kz.almaty", 1), kind=types.DocumentHighlightKind.Read),
    ]


# ---------------------------------------------------------------------------------------------
# Quick fixes.


async def test_code_action_adds_an_id_to_the_registry(client: LanguageClient):
    text = open_doc(client, "seeds/a.txt")
    items = await diagnostics(client, "seeds/a.txt", lambda d: len(d) > 0)
    a005 = next(d for d in items if d.code == "A005")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, "seeds/a.txt")),
            range=span(client, text, "kz.emergency"),
            context=types.CodeActionContext(diagnostics=[a005]),
        )
    )
    assert actions
    add = next(a for a in actions if isinstance(a, types.CodeAction) and a.title == "Add `kz.emergency` to entities.tsv")
    assert add.kind == types.CodeActionKind.QuickFix
    assert add.diagnostics and add.diagnostics[0].code == "A005"
    edit = add.edit
    assert edit is not None
    registry = uri(client, "entities.tsv")
    caps = client.capabilities.workspace
    if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
        assert edit.changes is None and edit.document_changes
        (change,) = edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == registry
        edits = change.edits
    else:
        assert edit.document_changes is None and edit.changes is not None
        assert list(edit.changes) == [registry]
        edits = edit.changes[registry]
    # The row goes after the last one, before its line break: never on a line past the file's last.
    assert edits[0].new_text.startswith("\nkz.emergency\tcoerce\t")
    # Only refactorings asked for: no quick fix.
    none = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, "seeds/a.txt")),
            range=span(client, text, "kz.emergency"),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]),
        )
    )
    assert not [a for a in none or [] if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.QuickFix]


# ---------------------------------------------------------------------------------------------
# The workspace.


async def test_files_changed_on_disk(client: LanguageClient):
    registrations = requests_of(client, types.CLIENT_REGISTER_CAPABILITY)
    watch = client.capabilities.workspace and client.capabilities.workspace.did_change_watched_files
    if watch and watch.dynamic_registration:
        regs = [r for p in registrations for r in p.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        (reg,) = regs
        assert [w["globPattern"] for w in reg.register_options["watchers"]] == WATCHED
    else:
        assert not any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for p in registrations for r in p.registrations)

    open_doc(client, "seeds/b.txt")
    new = client.ws / "seeds" / "new.txt"  # type: ignore[attr-defined]
    new.write_text(" date 2022-02-01 https://example.org/new\n\nT\n\n[Tokaïev]{person:kz.tokayev}\n", encoding="utf-8")
    event = types.FileEvent(uri=new.as_uri(), type=types.FileChangeType.Created)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[event]))
    assert await references(client, "seeds/b.txt", "kz.tokayev") == ["entities.tsv", "seeds/a.txt", "seeds/b.txt", "seeds/new.txt"]
    new.unlink()
    event = types.FileEvent(uri=new.as_uri(), type=types.FileChangeType.Deleted)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[event]))
    assert await references(client, "seeds/b.txt", "kz.tokayev") == ["entities.tsv", "seeds/a.txt", "seeds/b.txt"]


async def test_workspace_folders_added_and_removed(client: LanguageClient):
    if not (client.capabilities.workspace and client.capabilities.workspace.workspace_folders):
        pytest.skip(f"{client.profile} has no workspace folders")  # type: ignore[attr-defined]
    other = client.ws.parent / "other"  # type: ignore[attr-defined]
    other.mkdir()
    (other / "c.txt").write_text(" date 2022-03-01 https://example.org/c\n\nT\n\n[Tokaïev]{person:kz.tokayev}\n", encoding="utf-8")
    open_doc(client, "seeds/b.txt")
    folder = types.WorkspaceFolder(uri=other.as_uri(), name="other")
    ended = len([t for t in client.progress_reports])
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(event=types.WorkspaceFoldersChangeEvent(added=[folder], removed=[]))
    )
    await eventually("a second index build", lambda: len(client.progress_reports) > ended)
    await wait_all_ended(client)
    found = await references(client, "seeds/b.txt", "kz.tokayev")
    assert found == ["../other/c.txt", "entities.tsv", "seeds/a.txt", "seeds/b.txt"]
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(event=types.WorkspaceFoldersChangeEvent(added=[], removed=[folder]))
    )
    assert await references(client, "seeds/b.txt", "kz.tokayev") == ["entities.tsv", "seeds/a.txt", "seeds/b.txt"]


async def wait_all_ended(client: LanguageClient) -> None:
    def ended() -> bool:
        return all(
            reports and isinstance(reports[-1], types.WorkDoneProgressEnd) for reports in client.progress_reports.values()
        )

    await eventually("every progress to end", ended)


async def test_configuration_changes_pushed_and_pulled(client: LanguageClient):
    open_doc(client, "seeds/a.txt")
    assert codes(await diagnostics(client, "seeds/a.txt", lambda d: len(d) > 0)) == ["A005", "A011"]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"seedls": {"untaggedAliasHints": False}})
    )
    assert codes(await diagnostics(client, "seeds/a.txt", lambda d: "A011" not in codes(d))) == ["A005"]

    caps = client.capabilities.workspace
    if not (caps and caps.configuration):
        # The client cannot be asked: null settings change nothing, and nothing is asked.
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert codes(await diagnostics(client, "seeds/a.txt")) == ["A005"]
        return
    client.set_configuration({"untaggedAliasHints": True}, section="seedls")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert codes(await diagnostics(client, "seeds/a.txt", lambda d: "A011" in codes(d))) == ["A005", "A011"]


async def test_shutdown_then_exit_is_a_clean_exit(client: LanguageClient):
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0


async def test_indexing_progress_is_well_formed(client: LanguageClient):
    await wait_indexed(client)
    for reports in client.progress_reports.values():
        assert isinstance(reports[0], types.WorkDoneProgressBegin)
        percentages = [r.percentage for r in reports if getattr(r, "percentage", None) is not None]
        assert percentages == sorted(percentages) and all(0 <= p <= 100 for p in percentages)
