//! Rendering a validated template with typed data.

use handlebars::{Handlebars, html_escape, no_escape};
use serde::Serialize;

use super::TemplateSource;
use super::data::TemplateData;
use super::key::TemplateKey;
use super::problem::{TemplatePart, TemplateValidationError};
use super::validate::compile;

/// An email ready to send. The subject is a single line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Why an email could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("the template is not valid: {0}")]
    InvalidTemplate(#[from] TemplateValidationError),
    #[error("rendering the {part} failed: {message}")]
    Failed { part: TemplatePart, message: String },
    #[error("the data does not fit the `{key}` template: {message}")]
    Data { key: TemplateKey, message: String },
}

/// The helpers handlebars registers by itself, except `if` and `unless`: removed from the
/// registry, on top of validation refusing them.
const OTHER_BUILTIN_HELPERS: [&str; 15] =
    ["each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "len"];

/// Validates `source` against the key of `data`, then renders it in strict mode: the HTML part
/// HTML-escaped, the subject and text parts verbatim, the subject on one line. Every handlebars
/// error comes back as a [`RenderError`].
pub fn render(source: &TemplateSource, data: &TemplateData) -> Result<RenderedEmail, RenderError> {
    let compiled = compile(data.key(), source)?;
    let variables = data.variables();
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    for helper in OTHER_BUILTIN_HELPERS {
        registry.unregister_helper(helper);
    }
    registry.register_template(TemplatePart::Subject.as_str(), compiled.subject);
    registry.register_template(TemplatePart::Html.as_str(), compiled.html);
    registry.register_template(TemplatePart::Text.as_str(), compiled.text);

    let part = |registry: &Handlebars<'_>, part: TemplatePart| {
        registry
            .render(part.as_str(), &variables)
            .map_err(|error| RenderError::Failed { part, message: error.to_string() })
    };
    registry.register_escape_fn(no_escape);
    let subject = one_line(&part(&registry, TemplatePart::Subject)?);
    let text = part(&registry, TemplatePart::Text)?;
    registry.register_escape_fn(html_escape);
    let html = part(&registry, TemplatePart::Html)?;
    Ok(RenderedEmail { subject, html, text })
}

/// The subject as one header-safe line: CR, LF and other control characters become spaces,
/// runs of white space collapse to one, and the ends are trimmed.
fn one_line(subject: &str) -> String {
    subject
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_line_breaks_and_control_characters() {
        assert_eq!(one_line("  Hello\r\nBcc: x@y.z\t\u{0}  world \n"), "Hello Bcc: x@y.z world");
        assert_eq!(one_line("\r\n"), "");
    }
}
