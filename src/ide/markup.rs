//! Rich text for hover cards, built once and rendered two ways: Markdown for editors that
//! render it, plain text for the others.
//!
//! Everything that comes from a file (names, descriptions, titles, URLs, paths) goes through
//! [`Markup::text`], which escapes it so that file content can never become a link, an image,
//! HTML, or a heading in the editor. Links are only made by [`Markup::link`] from URLs this crate
//! builds or has validated.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup {
    markdown: String,
    plain: String,
}

impl Markup {
    pub fn new() -> Markup {
        Markup::default()
    }

    pub fn markdown(&self) -> &str {
        self.markdown.trim_end()
    }

    pub fn plain(&self) -> &str {
        self.plain.trim_end()
    }

    pub fn is_empty(&self) -> bool {
        self.plain.trim().is_empty()
    }

    /// Untrusted text, escaped.
    pub fn text(&mut self, s: &str) -> &mut Markup {
        let at_line_start = self.markdown.is_empty() || self.markdown.ends_with('\n');
        escape_into(&mut self.markdown, s, at_line_start);
        self.plain.extend(s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }));
        self
    }

    pub fn bold(&mut self, s: &str) -> &mut Markup {
        self.markdown.push_str("**");
        self.text(s);
        self.markdown.push_str("**");
        self
    }

    pub fn italic(&mut self, s: &str) -> &mut Markup {
        self.markdown.push('_');
        self.text(s);
        self.markdown.push('_');
        self
    }

    /// A code span. Its content is never interpreted, so untrusted text is safe in it as long
    /// as the fence is longer than any backtick run inside.
    pub fn code(&mut self, s: &str) -> &mut Markup {
        let s: String = s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
        let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
        self.markdown.push_str(&format!("{fence}{pad}{s}{pad}{fence}"));
        self.plain.push_str(&s);
        self
    }

    /// A link to a URL built or validated by the caller (never raw file text).
    pub fn link(&mut self, label: &str, url: &str) -> &mut Markup {
        debug_assert!(url.starts_with("https://") || url.starts_with("http://"), "{url}");
        self.markdown.push('[');
        self.text(label);
        self.markdown.push_str(&format!("](<{url}>)"));
        self.plain.push_str(&format!(" <{url}>"));
        self
    }

    /// Ends a line inside a paragraph.
    pub fn line(&mut self) -> &mut Markup {
        // A backslash before the newline is a hard line break in CommonMark; trailing spaces
        // would be lost to editors that trim them.
        self.markdown.push_str("\\\n");
        self.plain.push('\n');
        self
    }

    /// Ends a paragraph.
    pub fn paragraph(&mut self) -> &mut Markup {
        if self.markdown.ends_with("\\\n") {
            self.markdown.truncate(self.markdown.len() - 2);
        }
        while self.plain.ends_with('\n') {
            self.plain.pop();
        }
        self.markdown.push_str("\n\n");
        self.plain.push_str("\n\n");
        self
    }

    pub fn bullet(&mut self) -> &mut Markup {
        self.markdown.push_str("- ");
        self.plain.push_str("- ");
        self
    }

    /// Ends a bullet's line (a list item is one line).
    pub fn end_bullet(&mut self) -> &mut Markup {
        self.markdown.push('\n');
        self.plain.push('\n');
        self
    }

    pub fn rule(&mut self) -> &mut Markup {
        self.paragraph();
        self.markdown.push_str("---\n\n");
        self.plain.push_str("---\n\n");
        self
    }
}

/// Escapes `s` for Markdown: every character that can open inline markup, HTML or an entity,
/// what GFM would turn into an autolink (`http://`, `www.`, e-mail addresses), and what would
/// start a block at the beginning of a line. Other punctuation is left alone so the source
/// stays readable in editors that show Markdown unrendered.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, true);
    out
}

fn escape_into(out: &mut String, s: &str, mut at_line_start: bool) {
    let bytes = s.as_bytes();
    // Whether everything since the line start is digits (`1.` and `1)` start ordered lists).
    let mut digits_only = at_line_start;
    for (i, c) in s.char_indices() {
        if c == '\n' || c == '\r' {
            out.push(' ');
            continue;
        }
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '!' | '@' | '#' | '$' => true,
            // `http://…`: break the scheme separator so no autolink is recognised.
            ':' => bytes[i + 1..].starts_with(b"//"),
            // `www.…`: GFM autolinks it even without a scheme.
            '.' if i >= 3 && bytes[i - 3..i].eq_ignore_ascii_case(b"www") => true,
            '.' | ')' => digits_only && !at_line_start,
            // Block starts: list items, headings, quotes, setext underlines.
            '-' | '+' | '=' => at_line_start,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        digits_only &= c.is_ascii_digit() || (at_line_start && c.is_whitespace());
        if !c.is_whitespace() {
            at_line_start = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_text_cannot_become_markup() {
        let evil = "[click](command:rm) <img src=x> **b** https://evil.example www.evil.example a@b.c `x` &amp;";
        let got = escape(evil);
        assert_eq!(
            got,
            r"\[click\](command:rm) \<img src=x\> \*\*b\*\* https\://evil.example www\.evil.example a\@b.c \`x\` \&amp;"
        );
        assert_eq!(escape("- item"), r"\- item");
        assert_eq!(escape("Kassym-Jomart 1) (2022-01-05)"), "Kassym-Jomart 1) (2022-01-05)");
        assert_eq!(escape("12. x"), r"12\. x");
        assert_eq!(escape("1) x"), r"1\) x");
        assert_eq!(escape("two\nlines"), "two lines");
    }

    #[test]
    fn code_spans_survive_backticks_and_plain_text_is_raw() {
        let mut m = Markup::new();
        m.code("a`b").text(" · ").bold("Tokaïev *").line().text("x");
        assert_eq!(m.markdown(), "``a`b`` · **Tokaïev \\***\\\nx");
        assert_eq!(m.plain(), "a`b · Tokaïev *\nx");
    }
}
