" Seed files: highlighting from the text alone, before the language server answers (and on
" Neovim 0.7/0.8, which have no semantic tokens). The server's colours go on top.
if exists('b:current_syntax')
  finish
endif

" Line 1: ` date YYYY-MM[-DD]` then a source URL.
syn match seedHeaderKey /\%1l^ \=\zsdate\ze \d\{4}-\d\d/ nextgroup=seedHeaderDate skipwhite
syn match seedHeaderDate /\d\{4}-\d\d\%(-\d\d\)\=/ contained nextgroup=seedUrl skipwhite
syn match seedUrl /https\=:\/\/\S\+/ contained

syn match seedEscape /\\[][{}]/
" A `[` that a `]{` closes later on the line; other brackets are prose.
syn match seedOpen /\\\@<!\[\ze.*\]{/
syn region seedTag matchgroup=seedDelim start=/\\\@<!\]{/ end=/}/ oneline keepend
      \ contains=seedType,seedIdSep,seedRole,seedValue,seedDateValue
syn match seedType /\%(\]{\)\@<=[a-z][a-z0-9_-]*\%(\.[a-z][a-z0-9_-]*\)\=/ contained nextgroup=seedIdSep
syn match seedIdSep /:/ contained nextgroup=seedId
syn match seedId /[A-Za-z0-9][A-Za-z0-9._-]*/ contained
syn match seedRole /\<[a-z][a-z0-9_-]*\ze=/ contained
syn match seedValue /\%(=\|,\)\@<=[A-Za-z0-9][A-Za-z0-9._-]*/ contained
syn match seedDateValue /\%(=\|,\)\@<=\d\{4}\%(-\d\d\)\{0,2}\ze\%([ ,}]\|$\)/ contained

" The plugin's groups (require('seedls').setup() defines them too).
hi def link SeedlsMarkup Comment
hi def link SeedlsId Special
hi def link SeedlsRole PreProc
hi def link SeedlsDate Number
hi def link SeedlsUrl Underlined

hi def link seedHeaderKey SeedlsMarkup
hi def link seedHeaderDate SeedlsDate
hi def link seedUrl SeedlsUrl
hi def link seedEscape SpecialChar
hi def link seedOpen SeedlsMarkup
hi def link seedDelim SeedlsMarkup
hi def link seedType SeedlsMarkup
hi def link seedIdSep SeedlsMarkup
hi def link seedId SeedlsId
hi def link seedRole SeedlsRole
hi def link seedValue SeedlsId
hi def link seedDateValue SeedlsDate

let b:current_syntax = 'seed'
