//! Validation: the raw-text pre-scan ([`super::scan`]), then the handlebars parser, then a walk
//! of the parsed tree that allows only the small language described in [`super`].

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};

use super::TemplateSource;
use super::key::TemplateKey;
use super::problem::{TemplatePart, TemplateProblem, TemplateValidationError};
use super::scan::{MAX_DEPTH, scan};

/// The three parts, parsed and checked: safe to hand to handlebars.
#[derive(Debug)]
pub(super) struct Compiled {
    pub subject: Template,
    pub html: Template,
    pub text: Template,
}

/// Checks `source` against the variables of `key`; every problem of every part is reported.
pub fn validate_template(key: TemplateKey, source: &TemplateSource) -> Result<(), TemplateValidationError> {
    compile(key, source).map(|_| ())
}

pub(super) fn compile(key: TemplateKey, source: &TemplateSource) -> Result<Compiled, TemplateValidationError> {
    let mut problems = Vec::new();
    if source.subject.trim().is_empty() {
        problems.push(TemplateProblem::whole(TemplatePart::Subject, "must not be empty"));
    }
    let subject = compile_part(key, TemplatePart::Subject, &source.subject, &mut problems);
    let html = compile_part(key, TemplatePart::Html, &source.html, &mut problems);
    let text = compile_part(key, TemplatePart::Text, &source.text, &mut problems);
    match (subject, html, text) {
        (Some(subject), Some(html), Some(text)) if problems.is_empty() => Ok(Compiled { subject, html, text }),
        _ => Err(TemplateValidationError { problems }),
    }
}

fn compile_part(
    key: TemplateKey,
    part: TemplatePart,
    text: &str,
    problems: &mut Vec<TemplateProblem>,
) -> Option<Template> {
    let found = scan(part, text);
    if !found.is_empty() {
        problems.extend(found);
        return None;
    }
    let template = match Template::compile(text) {
        Ok(template) => template,
        Err(error) => {
            problems.push(TemplateProblem::at(part, error.reason().to_string(), error.pos()));
            return None;
        }
    };
    let before = problems.len();
    let mut walk = Walk { key, part, problems };
    walk.template(&template, 0, None);
    (problems.len() == before).then_some(template)
}

struct Walk<'a> {
    key: TemplateKey,
    part: TemplatePart,
    problems: &'a mut Vec<TemplateProblem>,
}

type Position = Option<(usize, usize)>;

impl Walk<'_> {
    fn report(&mut self, position: Position, message: String) {
        self.problems.push(TemplateProblem::at(self.part, message, position));
    }

    /// `depth` is the number of blocks around `template`; the scan has already bounded it, so
    /// this recursion is shallow.
    fn template(&mut self, template: &Template, depth: usize, around: Position) {
        for (i, element) in template.elements.iter().enumerate() {
            let position = template.mapping.get(i).map(|m| (m.0, m.1)).or(around);
            match element {
                TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
                TemplateElement::Expression(helper) => self.expression(helper, position),
                TemplateElement::HelperBlock(helper) => self.block(helper, depth + 1, position),
                TemplateElement::HtmlExpression(_) => {
                    self.report(position, "unescaped output (`{{{…}}}`, `{{&…}}`) is not allowed".to_owned());
                }
                TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => {
                    self.report(position, "partials (`{{> …}}`) are not allowed".to_owned());
                }
                TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => {
                    self.report(position, "inline partials and decorators (`{{#* …}}`) are not allowed".to_owned());
                }
                _ => self.report(position, "this construct is not supported".to_owned()),
            }
        }
    }

    /// `{{name}}`: a declared variable, nothing else (no helper calls).
    fn expression(&mut self, helper: &HelperTemplate, position: Position) {
        if helper.params.is_empty() && helper.hash.is_empty() && helper.block_param.is_none() {
            self.variable(&helper.name, position);
            return;
        }
        let name = helper.name.as_name().unwrap_or("?");
        let message = if matches!(name, "if" | "unless") {
            format!("`{name}` must be used as a block: `{{{{#{name} variable}}}}…{{{{/{name}}}}}`")
        } else if self.key.declares(name) {
            format!("`{{{{{name}}}}}` takes no arguments")
        } else {
            format!("helper `{name}` is not allowed; only `{{{{variable}}}}`, `{{{{#if}}}}` and `{{{{#unless}}}}` are")
        };
        self.report(position, message);
    }

    /// `{{#if name}}…{{else}}…{{/if}}` or `{{#unless name}}…{{/unless}}`.
    fn block(&mut self, helper: &HelperTemplate, depth: usize, position: Position) {
        if depth > MAX_DEPTH {
            self.report(position, format!("blocks are nested more than {MAX_DEPTH} deep"));
            return;
        }
        let name = helper.name.as_name().unwrap_or("?");
        match name {
            "if" | "unless" => {
                if helper.params.len() != 1 || !helper.hash.is_empty() || helper.block_param.is_some() {
                    self.report(
                        position,
                        format!("`{{{{#{name}}}}}` takes exactly one variable: `{{{{#{name} reason}}}}`"),
                    );
                }
                for param in &helper.params {
                    self.variable(param, position);
                }
            }
            "each" | "with" => {
                let message = format!(
                    "`{{{{#{name}}}}}` is not allowed: every variable is a plain text value; use `{{{{#if}}}}` or \
                     `{{{{#unless}}}}`"
                );
                self.report(position, message);
            }
            _ => self.report(position, format!("block `{{{{#{name}}}}}` is not allowed; only `#if` and `#unless` are")),
        }
        for inner in [&helper.template, &helper.inverse].into_iter().flatten() {
            self.template(inner, depth, position);
        }
    }

    /// A plain variable name declared for the key: no `this`, `../`, `@root`, `@index`, `a.b`.
    fn variable(&mut self, parameter: &Parameter, position: Position) {
        let message = match parameter {
            Parameter::Path(Path::Relative((segments, raw))) => match segments.as_slice() {
                [PathSeg::Named(name)] if name == raw => {
                    if self.key.declares(name) {
                        return;
                    }
                    let available = self.key.variables().iter().map(|v| v.name).collect::<Vec<_>>().join(", ");
                    format!("`{name}` is not a variable of the `{}` template; available: {available}", self.key)
                }
                _ => {
                    format!("`{raw}` is not a plain variable name; paths like `this`, `a.b` and `../a` are not allowed")
                }
            },
            Parameter::Path(Path::Local((_, _, raw))) => {
                format!("`{raw}` is not available; only the template's own variables are")
            }
            Parameter::Name(name) if self.key.declares(name) => return,
            Parameter::Name(name) => format!("`{name}` is not a variable of the `{}` template", self.key),
            Parameter::Literal(_) => "literal values are not allowed; use a variable".to_owned(),
            Parameter::Subexpression(_) => "subexpressions `(…)` are not allowed".to_owned(),
            _ => "this expression is not supported".to_owned(),
        };
        self.report(position, message);
    }
}
