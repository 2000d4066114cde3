//! A cheap pass over the raw text of one part that runs before the handlebars parser ever
//! sees it. Handlebars' parser recurses once per nested block (and per nested subexpression,
//! array or object literal) and a few thousand levels overflow the stack, which aborts the
//! process. So this pass refuses, without recursion:
//!
//! - parts over [`MAX_PART_BYTES`];
//! - blocks nested deeper than [`MAX_DEPTH`] (each `{{else if …}}` counts as one more level,
//!   because handlebars nests else-chains in its tree);
//! - anything inside a tag that can nest or hide a `}}`: quotes, brackets, braces, parentheses
//!   and backslashes (so no literals, subexpressions or `[segment]` paths);
//! - `\{{` escapes, whose handling the parser would otherwise have to be trusted on;
//! - partials, partial blocks, inline partials, decorators, `{{{ }}}`, `{{{{ }}}}` and `{{& }}`.
//!
//! With those gone, this pass and the parser agree on where every tag and comment starts and
//! ends, so the depth counted here is the depth the parser will reach. The parser only runs
//! when this pass found nothing.

use super::problem::{TemplatePart, TemplateProblem, line_column};

/// Largest part accepted, in bytes (64 KiB).
pub const MAX_PART_BYTES: usize = 64 * 1024;
/// Deepest block nesting accepted.
pub const MAX_DEPTH: usize = 20;
/// Problems reported per part at most, so a hostile 64 KiB part cannot produce thousands.
const MAX_PROBLEMS: usize = 20;

const FORBIDDEN_IN_TAG: &[char] = &['"', '\'', '(', ')', '[', ']', '{', '}', '\\'];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

struct Scanner<'a> {
    part: TemplatePart,
    text: &'a str,
    problems: Vec<TemplateProblem>,
}

impl Scanner<'_> {
    fn report(&mut self, offset: usize, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(TemplateProblem::at(self.part, message, Some(line_column(self.text, offset))));
        }
    }
}

/// Refuses what must never reach the handlebars parser; see the module documentation.
pub fn scan(part: TemplatePart, text: &str) -> Vec<TemplateProblem> {
    if text.len() > MAX_PART_BYTES {
        let message = format!("is {} bytes long; at most {MAX_PART_BYTES} bytes (64 KiB) are allowed", text.len());
        return vec![TemplateProblem::whole(part, message)];
    }
    let mut s = Scanner { part, text, problems: Vec::new() };
    // Open blocks, each with the number of `else if` branches seen so far.
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0_usize;
    let mut depth_reported = false;
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("{{")) {
        let start = from + found;
        let rest = text.get(start..).unwrap_or_default();
        if text.get(..start).is_some_and(|before| before.ends_with('\\')) {
            s.report(start, "escaped mustaches (`\\{{`) are not supported; remove the backslash".to_owned());
            from = start + 2;
            continue;
        }
        if rest.starts_with("{{!") {
            match comment_end(rest) {
                Some(len) => from = start + len,
                None => {
                    s.report(start, "this comment is never closed with `}}` or `--}}`".to_owned());
                    break;
                }
            }
            continue;
        }
        if rest.starts_with("{{{{") {
            s.report(start, "raw blocks (`{{{{…}}}}`) are not allowed".to_owned());
            from = start + 4;
            continue;
        }
        if rest.starts_with("{{{") {
            s.report(start, "unescaped output (`{{{…}}}`) is not allowed; use `{{name}}`".to_owned());
            from = start + 3;
            continue;
        }
        let Some(body_len) = rest.get(2..).and_then(|body| body.find("}}")) else {
            s.report(start, "this tag is never closed with `}}`".to_owned());
            break;
        };
        let body = rest.get(2..2 + body_len).unwrap_or_default();
        from = start + 2 + body_len + 2;
        let inner = body.trim_matches(|c| c == '~' || is_space(c));
        let after_hash = inner.strip_prefix('#').map(|r| r.trim_start_matches(is_space));
        let construct = if inner.starts_with('>') || after_hash.is_some_and(|r| r.starts_with('>')) {
            Some("partials (`{{> …}}`, `{{#> …}}`) are not allowed")
        } else if inner.starts_with('*') || after_hash.is_some_and(|r| r.starts_with('*')) {
            Some("inline partials and decorators (`{{#* …}}`, `{{* …}}`) are not allowed")
        } else if inner.starts_with('&') {
            Some("unescaped output (`{{& …}}`) is not allowed; use `{{name}}`")
        } else {
            None
        };
        if let Some(message) = construct {
            s.report(start, message.to_owned());
            continue;
        }
        if let Some(bad) = body.chars().find(|c| FORBIDDEN_IN_TAG.contains(c)) {
            let tag = shorten(body);
            s.report(
                start,
                format!(
                    "`{{{{{tag}}}}}` contains `{bad}`: quotes, brackets, braces, parentheses and backslashes are \
                     not allowed inside tags (no literals, subexpressions or helper arguments)"
                ),
            );
            continue;
        }
        let levels_added = if after_hash.is_some() {
            open.push(0);
            1
        } else if inner.starts_with('/') {
            depth = depth.saturating_sub(open.pop().map_or(0, |chain| chain + 1));
            0
        } else if is_else_chain(inner) {
            match open.last_mut() {
                Some(chain) => {
                    *chain += 1;
                    1
                }
                None => 0,
            }
        } else {
            0
        };
        depth += levels_added;
        if depth > MAX_DEPTH && !depth_reported {
            depth_reported = true;
            s.report(
                start,
                format!(
                    "blocks are nested more than {MAX_DEPTH} deep (each `{{{{else if …}}}}` counts as one more level)"
                ),
            );
        }
    }
    s.problems
}

/// `else if x`, `else unless x`, `^if x`: a branch that handlebars nests one level deeper.
/// A bare `else` or `^` is not.
fn is_else_chain(inner: &str) -> bool {
    let rest = if let Some(rest) = inner.strip_prefix("else") {
        if !rest.starts_with(is_space) {
            return false;
        }
        rest
    } else if let Some(rest) = inner.strip_prefix('^') {
        rest
    } else {
        return false;
    };
    !rest.trim_matches(is_space).is_empty()
}

/// Length of the comment at the start of `rest` (which starts with `{{!`), as the handlebars
/// grammar reads it: `{{!--` (spaces allowed before `--`) up to the first `--}}` after it, or
/// else up to the first `}}`.
fn comment_end(rest: &str) -> Option<usize> {
    let after_bang = rest.get(3..)?;
    let trimmed = after_bang.trim_start_matches(is_space);
    if let Some(body) = trimmed.strip_prefix("--") {
        let body_start = rest.len() - body.len();
        if let Some(end) = body.find("--}}") {
            return Some(body_start + end + 4);
        }
    }
    after_bang.find("}}").map(|end| 3 + end + 2)
}

fn shorten(body: &str) -> String {
    const MAX_CHARS: usize = 40;
    if body.chars().count() <= MAX_CHARS {
        body.to_owned()
    } else {
        format!("{}…", body.chars().take(MAX_CHARS).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        scan(TemplatePart::Text, text).into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn comments_end_where_the_handlebars_grammar_ends_them() {
        assert_eq!(comment_end("{{! hi }} x"), Some(9));
        assert_eq!(comment_end("{{!-- a }} b --}} x"), Some(17));
        assert_eq!(comment_end("{{! -- a }} b --}} x"), Some(18));
        assert_eq!(comment_end("{{!--}} x"), Some(7));
        assert_eq!(comment_end("{{!---}} x"), Some(8));
        assert_eq!(comment_end("{{! never"), None);
    }

    #[test]
    fn tags_hidden_in_comments_do_not_count_as_nesting() {
        let hidden = "{{!-- {{/if}} --}}{{#if a}}".repeat(MAX_DEPTH + 1);
        assert!(messages(&hidden).iter().any(|m| m.contains("nested more than 20")));
        let commented_out = format!("{{{{!-- {} --}}}}", "{{#if a}}".repeat(100));
        assert_eq!(messages(&commented_out), Vec::<String>::new());
    }

    #[test]
    fn else_if_branches_count_as_levels_but_plain_else_does_not() {
        let chain = format!("{{{{#if a}}}}{}{{{{else}}}}{{{{/if}}}}", "{{else if b}}".repeat(MAX_DEPTH - 1));
        assert_eq!(messages(&chain), Vec::<String>::new());
        let longer = format!("{{{{#if a}}}}{}{{{{/if}}}}", "{{else if b}}".repeat(MAX_DEPTH));
        assert_eq!(messages(&longer).len(), 1);
        let elses = format!("{}{}", "{{#if a}}x{{else}}y{{/if}}".repeat(50), "{{^}}");
        assert_eq!(messages(&elses), Vec::<String>::new());
    }

    #[test]
    fn quotes_and_brackets_inside_tags_are_refused_but_allowed_in_text() {
        assert_eq!(messages("a \"quoted\" (text) [x] {y} \\ }}"), Vec::<String>::new());
        assert_eq!(messages("{{lookup a \"b\"}}").len(), 1);
        assert_eq!(messages("{{#if (eq a b)}}x{{/if}}").len(), 1);
        assert_eq!(messages("{{[recipient name]}}").len(), 1);
    }

    #[test]
    fn at_most_twenty_problems_are_reported_per_part() {
        assert_eq!(messages(&"{{> p}}".repeat(1000)).len(), MAX_PROBLEMS);
    }
}
