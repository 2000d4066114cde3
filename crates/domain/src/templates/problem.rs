//! What is wrong with a template, part by part, with positions an editor can point at.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The three parts of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplatePart {
    Subject,
    Html,
    Text,
}

impl TemplatePart {
    pub const ALL: [TemplatePart; 3] = [Self::Subject, Self::Html, Self::Text];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Html => "html",
            Self::Text => "text",
        }
    }
}

impl fmt::Display for TemplatePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one part. `line` and `column` count from 1 (columns in characters) and are
/// `None` when the problem is about the part as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateProblem {
    pub part: TemplatePart,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl TemplateProblem {
    pub(super) fn whole(part: TemplatePart, message: impl Into<String>) -> Self {
        Self { part, message: message.into(), line: None, column: None }
    }

    pub(super) fn at(part: TemplatePart, message: impl Into<String>, position: Option<(usize, usize)>) -> Self {
        Self { part, message: message.into(), line: position.map(|p| p.0), column: position.map(|p| p.1) }
    }
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{} line {line}, column {column}: {}", self.part, self.message),
            (Some(line), None) => write!(f, "{} line {line}: {}", self.part, self.message),
            _ => write!(f, "{}: {}", self.part, self.message),
        }
    }
}

/// Why a template was refused: every problem found, in subject, HTML, text order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("the template has {} problem(s): {}", .problems.len(), list(.problems))]
pub struct TemplateValidationError {
    pub problems: Vec<TemplateProblem>,
}

fn list(problems: &[TemplateProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("ab\ncé{{", 6), (2, 3));
        assert_eq!(line_column("ab\n", 3), (2, 1));
    }

    #[test]
    fn the_error_message_lists_every_problem_with_its_place() {
        let error = TemplateValidationError {
            problems: vec![
                TemplateProblem::whole(TemplatePart::Subject, "must not be empty"),
                TemplateProblem::at(TemplatePart::Html, "partials are not allowed", Some((3, 7))),
            ],
        };
        assert_eq!(
            error.to_string(),
            "the template has 2 problem(s): subject: must not be empty; html line 3, column 7: partials are not allowed"
        );
        assert_eq!(serde_json::to_value(TemplatePart::Html).unwrap(), serde_json::json!("html"));
    }
}
