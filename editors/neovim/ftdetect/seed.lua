-- Seed files: `*.txt` whose first line is a ` date YYYY-MM …` header, or `*.txt` in a `seeds`
-- folder.
require('seedls').register_filetype()
