//! Email templates: keys, typed variables, built-in defaults, validation and rendering.
//!
//! Every email has a [`TemplateKey`]; its data is a typed struct inside [`TemplateData`], from
//! which a flat set of display-ready strings is computed ([`TemplateData::variables`]):
//! exactly the names [`TemplateKey::variables`] declares. Times are shown in the event's own
//! time zone with its abbreviation, money with its currency code.
//!
//! # The template language
//!
//! Templates are [handlebars](https://handlebarsjs.com/) restricted to what an email needs, so
//! that a template an admin saved can neither crash the process nor leak unescaped input:
//!
//! | allowed | refused |
//! |---|---|
//! | `{{variable}}` (declared for the key) | unknown variables, `this`, `a.b`, `../a`, `@root`, `@index` |
//! | `{{#if variable}}…{{else}}…{{/if}}`, `{{else if variable}}`, `{{^}}` | `{{#each}}`, `{{#with}}` (there is nothing to iterate or enter) and every other helper: `lookup`, `eq`, `log`, … |
//! | `{{#unless variable}}…{{/unless}}` | literals, hash arguments, subexpressions `(…)`, block parameters |
//! | comments `{{! … }}`, `{{!-- … --}}` | partials `{{> …}}`, `{{#> …}}`; inline partials and decorators `{{#* …}}`, `{{* …}}` |
//! | whitespace control `{{~ … ~}}` | unescaped output `{{{ … }}}`, `{{& … }}`, raw blocks `{{{{ … }}}}`, escapes `\{{` — in all three parts |
//! | | blocks nested more than 20 deep (each `else if` counts as a level); parts over 64 KiB |
//!
//! Size and nesting are checked on the raw text before the handlebars parser runs (see
//! `scan.rs`), since that parser overflows the stack on deep nesting. Rendering is strict (a
//! missing variable is an error, never an empty string), HTML-escapes the HTML part only, and
//! puts the subject on one line so that a variable cannot inject mail headers.

mod data;
mod defaults;
mod key;
mod problem;
mod render;
mod sample;
mod scan;
mod validate;

use serde::{Deserialize, Serialize};

pub use data::{BookingEmail, PasswordResetEmail, PaymentEmail, TemplateData, WelcomeEmail, event_type_words};
pub use defaults::default_template;
pub use key::{DataFamily, TemplateKey, UnknownTemplateKey, VariableSpec};
pub use problem::{TemplatePart, TemplateProblem, TemplateValidationError};
pub use render::{RenderError, RenderedEmail, render};
pub use scan::{MAX_DEPTH, MAX_PART_BYTES};
pub use validate::validate_template;

/// A template as an admin edits it: handlebars source for the subject, the HTML body and the
/// plain-text body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSource {
    pub subject: String,
    pub html: String,
    pub text: String,
}

#[cfg(test)]
mod tests_render;
#[cfg(test)]
mod tests_validate;
