//! Narration: plain text with two inline marks, read into spans.
//!
//! A step's narration is written by whoever wrote the tutorial, and a
//! tutorial may come from a stranger's link. It is therefore never HTML and
//! never interpreted as markup beyond two marks, which a front end renders
//! as text inside a `<code>` or `<strong>` element (the UI) or as plain text
//! (the CLI):
//!
//! - `` `code` `` for names the page shows: keys, values, clocks, messages;
//! - `**bold**` for the one thing to look at.
//!
//! A backslash makes the next character literal (`` \` ``, `\*`, `\\`). A
//! mark that is never closed is literal text, so no narration fails to
//! read; an author sees the stray character in the preview. Marks do not
//! nest: inside code, `**` is literal.
//!
//! CAVEATS
//! - Paragraphs are lines: a front end keeps the narration's line breaks
//!   (`white-space: pre-line`), there is no other block structure.

use serde::Serialize;

/// How a span of narration is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// Plain text.
    Plain,
    /// A name the page shows, in a monospace font.
    Code,
    /// Emphasis.
    Bold,
}

/// A run of narration text under one mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// How it is shown.
    pub mark: Mark,
    /// The text, without the marks and escapes.
    pub text: String,
}

/// The spans of `narration`, in order; adjacent spans differ in mark and
/// none is empty.
pub fn spans(narration: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut rest = narration;
    let mut plain = String::new();
    while let Some(c) = rest.chars().next() {
        let closed = match c {
            '`' => closing(&rest[1..], "`").map(|end| (Mark::Code, 1, end)),
            '*' if rest.starts_with("**") => {
                closing(&rest[2..], "**").map(|end| (Mark::Bold, 2, end))
            }
            _ => None,
        };
        if let Some((mark, width, end)) = closed {
            push(&mut out, Mark::Plain, std::mem::take(&mut plain));
            push(&mut out, mark, unescape(&rest[width..width + end]));
            rest = &rest[width + end + width..];
            continue;
        }
        let mut chars = rest.chars();
        chars.next();
        if c == '\\' {
            if let Some(next) = chars.next().filter(|n| matches!(n, '`' | '*' | '\\')) {
                plain.push(next);
                rest = chars.as_str();
                continue;
            }
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    push(&mut out, Mark::Plain, plain);
    out
}

/// The narration as plain text: the spans' text, marks and escapes removed.
pub fn plain_text(narration: &str) -> String {
    spans(narration).into_iter().map(|s| s.text).collect()
}

/// Where `mark` closes in `text` (not escaped, not right at the start), in bytes.
fn closing(text: &str, mark: &str) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(escaped) = rest.strip_prefix('\\') {
            at += 1 + escaped.chars().next().map_or(0, char::len_utf8);
        } else if rest.starts_with(mark) {
            return (at > 0).then_some(at);
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// `text` with each escape replaced by the character it escapes.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

fn push(out: &mut Vec<Span>, mark: Mark, text: String) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.mark == mark => last.text.push_str(&text),
        _ => out.push(Span { mark, text }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(narration: &str) -> Vec<(Mark, String)> {
        spans(narration)
            .into_iter()
            .map(|s| (s.mark, s.text))
            .collect()
    }

    fn owned<const N: usize>(spans: [(Mark, &str); N]) -> Vec<(Mark, String)> {
        spans.map(|(m, t)| (m, t.to_string())).into()
    }

    #[test]
    fn code_and_bold_become_spans() {
        assert_eq!(
            marks("Look at `cart` on **n3**: it holds `bread`."),
            owned([
                (Mark::Plain, "Look at "),
                (Mark::Code, "cart"),
                (Mark::Plain, " on "),
                (Mark::Bold, "n3"),
                (Mark::Plain, ": it holds "),
                (Mark::Code, "bread"),
                (Mark::Plain, "."),
            ])
        );
    }

    #[test]
    fn unclosed_marks_and_escapes_are_literal() {
        assert_eq!(marks("a `b"), owned([(Mark::Plain, "a `b")]));
        assert_eq!(marks("2 ** 3"), owned([(Mark::Plain, "2 ** 3")]));
        assert_eq!(marks("``"), owned([(Mark::Plain, "``")]));
        assert_eq!(
            marks(r"\`x\` and \*\*y\*\* \\"),
            owned([(Mark::Plain, r"`x` and **y** \")])
        );
        assert_eq!(marks(r"`a\`b`"), owned([(Mark::Code, "a`b")]));
        assert_eq!(
            marks("`**not bold**`"),
            owned([(Mark::Code, "**not bold**")])
        );
        assert_eq!(marks("trailing \\"), owned([(Mark::Plain, "trailing \\")]));
    }

    #[test]
    fn html_is_text() {
        let text = "<img src=x onerror=alert(1)> `<b>`";
        assert_eq!(plain_text(text), "<img src=x onerror=alert(1)> <b>");
    }

    #[test]
    fn any_text_reads_without_panicking() {
        for text in [
            "", "`", "**", "\\", "é`ü`", "**`*`**", "\\é", "`\\", "***a***",
        ] {
            let joined: String = spans(text).into_iter().map(|s| s.text).collect();
            assert!(joined.len() <= text.len(), "{text:?}");
        }
    }
}
