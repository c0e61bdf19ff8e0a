"""Features the server may or may not advertise (SPEC §8): each test runs when the server
advertises the capability and the client profile can use it, and skips with the reason
otherwise. So the suite covers whatever the server implements, without knowing in advance."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import at, encoding, eventually, in_document, open_doc, position, requests_of, span, text_of, uri
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient


def advertised(client: LanguageClient, provider: str) -> Any:
    value = getattr(client.init_result.capabilities, provider)  # type: ignore[attr-defined]
    if value in (None, False):
        pytest.skip(f"the server does not advertise {provider}")
    return value


def client_has(client: LanguageClient, feature: str) -> Any:
    value = getattr(client.capabilities.text_document, feature, None)  # type: ignore[union-attr]
    if value is None:
        pytest.skip(f"{client.profile} has no textDocument.{feature} capability")  # type: ignore[attr-defined]
    return value


def doc(client: LanguageClient, rel: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(client, rel))


def whole(text: str, enc: str) -> types.Range:
    return types.Range(start=types.Position(line=0, character=0), end=position(text, len(text), enc))


# ---------------------------------------------------------------------------------------------
# Semantic tokens.


def decode(data: list[int]) -> list[tuple[int, int, int, int, int]]:
    """(line, start, length, type, modifiers) from the relative encoding."""
    assert len(data) % 5 == 0, "semantic token data is not a multiple of 5"
    out, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        dl, ds, length, ty, mods = data[i : i + 5]
        line += dl
        start = start + ds if dl == 0 else ds
        out.append((line, start, length, ty, mods))
    return out


def check_tokens(client: LanguageClient, text: str, data: list[int]) -> list[tuple[int, int, int, int, int]]:
    provider = client.init_result.capabilities.semantic_tokens_provider  # type: ignore[attr-defined]
    legend = provider.legend
    enc = encoding(client)
    tokens = decode(list(data))
    lines = text.split("\n")
    previous = (-1, -1)
    for line, start, length, ty, mods in tokens:
        assert (line, start) > previous, "tokens out of order or overlapping"
        assert ty < len(legend.token_types), f"token type {ty} not in the legend"
        assert mods < (1 << len(legend.token_modifiers)), f"modifiers {mods:b} not in the legend"
        r = types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=start + length))
        assert line < len(lines) and in_document(text, r, enc), f"token {line}:{start}+{length} off its line"
        previous = (line, start + max(length, 1) - 1)
    return tokens


async def test_semantic_tokens_full_delta_and_range(client: LanguageClient):
    provider = advertised(client, "semantic_tokens_provider")
    client_has(client, "semantic_tokens")
    text = open_doc(client, "seeds/a.txt")
    if not provider.full:
        pytest.skip("the server does not advertise full semantic tokens")
    full = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc(client, "seeds/a.txt")))
    assert full is not None
    tokens = check_tokens(client, text, full.data)
    # The surface of a tagged mention is coloured.
    surface = at(client, "seeds/a.txt", "président")
    assert any((line, start) == (surface.line, surface.character) for line, start, *_ in tokens), "mention surface not coloured"
    if isinstance(provider.full, types.SemanticTokensFullDelta) and provider.full.delta and full.result_id:
        delta = await client.text_document_semantic_tokens_full_delta_async(
            types.SemanticTokensDeltaParams(text_document=doc(client, "seeds/a.txt"), previous_result_id=full.result_id)
        )
        if isinstance(delta, types.SemanticTokensDelta):
            data = list(full.data)
            for edit in sorted(delta.edits, key=lambda e: e.start, reverse=True):
                data[edit.start : edit.start + edit.delete_count] = list(edit.data or [])
            assert data == list(full.data), "an unchanged document has a delta that changes it"
        else:
            assert isinstance(delta, types.SemanticTokens) and list(delta.data) == list(full.data)
    if provider.range:
        line = surface.line
        r = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0))
        ranged = await client.text_document_semantic_tokens_range_async(
            types.SemanticTokensRangeParams(text_document=doc(client, "seeds/a.txt"), range=r)
        )
        assert ranged is not None
        for tok_line, *_ in check_tokens(client, text, ranged.data):
            assert tok_line == line


# ---------------------------------------------------------------------------------------------
# Symbols and links.


async def test_document_symbols(client: LanguageClient):
    advertised(client, "document_symbol_provider")
    caps = client_has(client, "document_symbol")
    text = open_doc(client, "seeds/a.txt")
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(client, "seeds/a.txt")))
    assert symbols, "no symbols for an annotated article"
    enc = encoding(client)
    if caps.hierarchical_document_symbol_support:
        stack = list(symbols)
        while stack:
            s = stack.pop()
            assert isinstance(s, types.DocumentSymbol)
            assert in_document(text, s.range, enc) and in_document(text, s.selection_range, enc)
            assert (s.range.start.line, s.range.start.character) <= (s.selection_range.start.line, s.selection_range.start.character)
            stack.extend(s.children or [])
    else:
        for s in symbols:
            assert isinstance(s, types.SymbolInformation), "DocumentSymbol sent to a client without hierarchy support"
            assert s.location.uri == uri(client, "seeds/a.txt") and in_document(text, s.location.range, enc)


async def test_workspace_symbols(client: LanguageClient):
    advertised(client, "workspace_symbol_provider")
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="tokayev"))
    assert found, "no symbol for a registered id"
    names = [s.name for s in found]
    assert any("tokayev" in n.lower() or "Tokaïev" in n for n in names), names
    for s in found:
        loc = s.location
        target = loc.uri if isinstance(loc, (types.Location, types.LocationUriOnly)) else loc
        assert str(target).startswith(client.ws.as_uri()), target  # type: ignore[attr-defined]


async def test_document_links(client: LanguageClient):
    advertised(client, "document_link_provider")
    client_has(client, "document_link")
    text = open_doc(client, "seeds/a.txt")
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc(client, "seeds/a.txt")))
    assert links, "the header URL is not a link"
    header = next(link for link in links if link.range == span(client, text, "https://example.org/a"))
    if header.target is None:
        provider = client.init_result.capabilities.document_link_provider  # type: ignore[attr-defined]
        assert provider.resolve_provider, "a link with no target and no resolve"
        header = await client.document_link_resolve_async(header)
    assert header.target == "https://example.org/a"


# ---------------------------------------------------------------------------------------------
# Inlay hints and code lens.


async def inlay_hints(client: LanguageClient, text: str) -> list[types.InlayHint]:
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc(client, "seeds/a.txt"), range=whole(text, encoding(client)))
    )
    return list(hints or [])


def label(hint: types.InlayHint) -> str:
    return hint.label if isinstance(hint.label, str) else "".join(part.value for part in hint.label)


async def test_inlay_hints_and_their_setting(client: LanguageClient):
    advertised(client, "inlay_hint_provider")
    client_has(client, "inlay_hint")
    text = open_doc(client, "seeds/a.txt")
    hints = await inlay_hints(client, text)
    enc = encoding(client)
    for h in hints:
        assert in_document(text, types.Range(start=h.position, end=h.position), enc)
    # «président» differs from the canonical name.
    assert any("Kassym-Jomart Tokaïev" in label(h) for h in hints), [label(h) for h in hints]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"seedls": {"inlayHints": False}}))
    assert await inlay_hints(client, text) == []
    refresh = client.capabilities.workspace and client.capabilities.workspace.inlay_hint
    if refresh and refresh.refresh_support:
        await eventually("an inlay hint refresh", lambda: requests_of(client, types.WORKSPACE_INLAY_HINT_REFRESH))


async def test_code_lens_on_registry_rows(client: LanguageClient):
    provider = advertised(client, "code_lens_provider")
    client_has(client, "code_lens")
    text = open_doc(client, "entities.tsv")
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(client, "entities.tsv")))
    assert lenses, "no lens on registry rows"
    enc = encoding(client)
    row = at(client, "entities.tsv", "kz.tokayev").line
    titles = {}
    for lens in lenses:
        assert in_document(text, lens.range, enc)
        if lens.command is None:
            assert provider.resolve_provider, "a lens with no command and no resolve"
            lens = await client.code_lens_resolve_async(lens)
        assert lens.command is not None and lens.command.title
        titles[lens.range.start.line] = lens.command.title
    assert row in titles and "2" in titles[row], titles


# ---------------------------------------------------------------------------------------------
# Rename and completion.


def edited_files(client: LanguageClient, edit: types.WorkspaceEdit) -> dict[str, list[types.TextEdit]]:
    caps = client.capabilities.workspace
    out: dict[str, list] = {}
    if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
        assert edit.changes is None, "changes and documentChanges both set"
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit), "file operations in a rename"
            out.setdefault(change.text_document.uri, []).extend(change.edits)
    else:
        assert edit.document_changes is None, "documentChanges sent to a client without support"
        for target, edits in (edit.changes or {}).items():
            out.setdefault(target, []).extend(edits)
    return out


async def test_rename_an_id_everywhere(client: LanguageClient):
    provider = advertised(client, "rename_provider")
    client_has(client, "rename")
    text = open_doc(client, "seeds/a.txt")
    pos = at(client, "seeds/a.txt", "kz.tokayev", 2)
    if isinstance(provider, types.RenameOptions) and provider.prepare_provider:
        prepared = await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(client, "seeds/a.txt"), position=pos)
        )
        r = prepared if isinstance(prepared, types.Range) else getattr(prepared, "range", None)
        if r is not None:
            assert r == span(client, text, "kz.tokayev")
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(client, "seeds/a.txt"), position=pos, new_name="kz.tokaev")
    )
    assert edit is not None
    files = edited_files(client, edit)
    assert set(files) == {uri(client, f) for f in ["seeds/a.txt", "seeds/b.txt", "entities.tsv"]}
    for target, edits in files.items():
        rel = target.removeprefix(client.ws.as_uri() + "/")  # type: ignore[attr-defined]
        body = text_of(client, rel)
        for e in edits:
            assert e.new_text == "kz.tokaev" and in_document(body, e.range, encoding(client))
    # An id already in use, or not an id at all, is refused with an error.
    for bad in ["kz.almaty", "not an id"]:
        with pytest.raises(JsonRpcException):
            await client.text_document_rename_async(
                types.RenameParams(text_document=doc(client, "seeds/a.txt"), position=pos, new_name=bad)
            )


async def test_completion_after_a_tag_opens(client: LanguageClient):
    advertised(client, "completion_provider")
    completion = client_has(client, "completion")
    text = " date 2022-01-07 https://example.org/c\n\nTitre\n\nLe chef [Tokaïev]{"
    open_doc(client, "seeds/c.txt", text)
    end = position(text, len(text), encoding(client))
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(client, "seeds/c.txt"), position=end)
    )
    items = found.items if isinstance(found, types.CompletionList) else list(found or [])
    assert items, "no completion after `]{`"

    def inserted(item: types.CompletionItem) -> str:
        edit = item.text_edit
        if edit is not None:
            return edit.new_text
        return item.insert_text or item.label

    assert any("kz.tokayev" in inserted(i) or "kz.tokayev" in i.label for i in items), [i.label for i in items[:10]]
    # Insert and replace ranges only for a client that takes them.
    item_caps = completion.completion_item
    insert_replace = bool(item_caps and item_caps.insert_replace_support)
    for i in items:
        assert isinstance(i.text_edit, types.InsertReplaceEdit if insert_replace else types.TextEdit), i

