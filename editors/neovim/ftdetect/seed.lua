-- Seed files: `*.txt` whose first line starts like a header (` date 2022-01 …`, `Date:`, a
-- malformed date), `*.txt` in a `seeds` folder, and `*.txt` in or below a folder holding
-- `.seedls.json`, a registry or a schema.
require('seedls').register_filetype()
