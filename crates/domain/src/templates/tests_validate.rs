//! Validation: each construct refused, with messages naming the problem and where it is.

use proptest::prelude::*;

use super::*;

const KEY: TemplateKey = TemplateKey::BookingCancelled;

fn source(subject: &str, html: &str, text: &str) -> TemplateSource {
    TemplateSource { subject: subject.to_owned(), html: html.to_owned(), text: text.to_owned() }
}

/// The problems of `body` used as the HTML part of a `booking_cancelled` template.
fn problems(body: &str) -> Vec<TemplateProblem> {
    match validate_template(KEY, &source("Cancelled", body, "")) {
        Ok(()) => Vec::new(),
        Err(error) => error.problems,
    }
}

/// The single problem of `body`, checking that its message mentions `words`.
fn refused(body: &str, words: &str) -> TemplateProblem {
    let found = problems(body);
    assert_eq!(found.len(), 1, "{body:?}: {found:?}");
    let problem = found.into_iter().next().unwrap();
    assert_eq!(problem.part, TemplatePart::Html);
    assert!(problem.message.contains(words), "{body:?}: {:?} does not mention {words:?}", problem.message);
    problem
}

fn nested(depth: usize) -> String {
    format!("{}{{{{reason}}}}{}", "{{#if reason}}".repeat(depth), "{{/if}}".repeat(depth))
}

#[test]
fn a_template_using_only_its_variables_and_allowed_blocks_is_accepted() {
    let body = "Hi {{recipient_name}}, {{~reason~}} {{! note }} {{!-- a {{note}} --}}\n\
                {{#if reason}}Because {{reason}}{{else if location}}at {{location}}{{else}}-{{/if}}\n\
                {{#unless reason}}{{^}}{{price}}{{/unless}} {{ celebrity_name }}";
    assert_eq!(problems(body), []);
}

#[test]
fn a_syntax_error_is_reported_with_its_line_and_column() {
    let problem = refused("Hi\n  {{#if reason}}x{{/unless}}", "was opened, but");
    assert_eq!((problem.line, problem.column), (Some(2), Some(18)));
    let problem = refused("Hi\nthere {{recipient_name foo=}}", "invalid handlebars syntax");
    assert_eq!(problem.line, Some(2));
    assert!(problem.column.is_some());
    let unclosed = refused("Hi\n\n{{#if reason}}\nno end", "invalid handlebars syntax");
    assert!(unclosed.line.is_some() && unclosed.column.is_some());
}

#[test]
fn an_unclosed_tag_or_comment_is_reported_where_it_starts() {
    let problem = refused("Hi\nab {{recipient_name", "never closed");
    assert_eq!((problem.line, problem.column), (Some(2), Some(4)));
    refused("{{!-- comment", "never closed");
}

#[test]
fn an_unknown_variable_is_refused_with_the_names_available() {
    let problem = refused("Hi\n{{recipient}}", "`recipient` is not a variable of the `booking_cancelled` template");
    assert!(problem.message.contains("available: recipient_name, customer_name"));
    assert_eq!((problem.line, problem.column), (Some(2), Some(1)));
    refused("{{reset_url}}", "`reset_url` is not a variable");
    refused("{{amount}}", "`amount` is not a variable");
}

#[test]
fn an_unknown_variable_inside_blocks_and_else_branches_is_refused() {
    refused("{{#if reason}}{{#unless location}}{{nope}}{{/unless}}{{/if}}", "`nope` is not a variable");
    refused("{{#if reason}}x{{else}}{{nope}}{{/if}}", "`nope` is not a variable");
    refused("{{#if reason}}x{{else if nope}}y{{/if}}", "`nope` is not a variable");
    refused("{{#if nope}}x{{/if}}", "`nope` is not a variable");
}

#[test]
fn paths_other_than_plain_variable_names_are_refused() {
    refused("{{this}}", "not a plain variable name");
    refused("{{this.reason}}", "not a plain variable name");
    refused("{{../reason}}", "not a plain variable name");
    refused("{{reason.length}}", "not a plain variable name");
    refused("{{@root.reason}}", "not a plain variable name");
    refused("{{@index}}", "`@index` is not available");
}

#[test]
fn helpers_other_than_if_and_unless_are_refused() {
    refused("{{#each reason}}x{{/each}}", "`{{#each}}` is not allowed");
    refused("{{#with reason}}x{{/with}}", "`{{#with}}` is not allowed");
    refused("{{#reason}}x{{/reason}}", "block `{{#reason}}` is not allowed");
    refused("{{log reason}}", "helper `log` is not allowed");
    refused("{{len reason}}", "helper `len` is not allowed");
    refused("{{reason location}}", "`{{reason}}` takes no arguments");
    refused("{{if reason}}", "`if` must be used as a block");
    refused("{{#if reason location}}x{{/if}}", "takes exactly one variable");
    refused("{{#if reason x=location}}x{{/if}}", "takes exactly one variable");
    refused("{{#if reason as |r|}}x{{/if}}", "takes exactly one variable");
    refused("{{#if true}}x{{/if}}", "literal values are not allowed");
    refused("{{#if 1}}x{{/if}}", "literal values are not allowed");
    refused("{{lookup reason \"x\"}}", "contains `\"`");
    refused("{{#if (eq reason location)}}x{{/if}}", "contains `(`");
}

#[test]
fn partials_are_refused() {
    let problem = refused("Hi\n{{> footer}}", "partials");
    assert_eq!((problem.line, problem.column), (Some(2), Some(1)));
    refused("{{~> footer ~}}", "partials");
    refused("{{#> layout}}x{{/layout}}", "partials");
}

#[test]
fn inline_partials_and_decorators_are_refused() {
    refused("{{#*inline \"footer\"}}x{{/inline}}", "inline partials and decorators");
    refused("{{#* inline footer}}x{{/inline}}", "inline partials and decorators");
    refused("{{*decorator}}", "inline partials and decorators");
}

#[test]
fn a_self_recursive_partial_is_refused_before_it_could_loop() {
    let found = problems("{{#*inline \"again\"}}{{> again}}{{/inline}}{{> again}}");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(|p| p.message.contains("partials")));
    let found = problems("{{#> again}}{{> @partial-block}}{{/again}}");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|p| p.message.contains("partials")));
}

#[test]
fn unescaped_output_is_refused_in_every_part() {
    for body in ["{{{reason}}}", "{{& reason}}", "{{&reason}}", "{{~{reason}~}}", "{{{{raw}}}}{{reason}}{{{{/raw}}}}"] {
        let error = validate_template(KEY, &source(body, body, body)).unwrap_err();
        let mut parts: Vec<_> = error.problems.iter().map(|p| p.part).collect();
        parts.dedup();
        assert_eq!(parts, [TemplatePart::Subject, TemplatePart::Html, TemplatePart::Text], "{body}");
        assert!(
            error.problems.iter().all(|p| p.message.contains("unescaped")
                || p.message.contains("raw blocks")
                || p.message.contains("contains `{`")),
            "{error}"
        );
    }
}

#[test]
fn escaped_mustaches_are_refused() {
    refused("\\{{reason}}", "escaped mustaches");
}

#[test]
fn blocks_nested_twenty_deep_are_accepted_and_twenty_one_refused() {
    assert_eq!(problems(&nested(MAX_DEPTH)), []);
    let problem = refused(&format!("Hi\n{}", nested(MAX_DEPTH + 1)), "nested more than 20 deep");
    assert_eq!((problem.line, problem.column), (Some(2), Some(1 + 14 * MAX_DEPTH)));
}

#[test]
fn five_thousand_nested_blocks_are_refused_without_deep_recursion() {
    // A small stack proves the refusal does not recurse per level (handlebars' parser would).
    let outcome = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let deep = [
                "{{#if reason}}".repeat(4000),
                format!("{}{}", "{{#a}}".repeat(5000), "{{/a}}".repeat(5000)),
                format!("{{{{#if reason}}}}{}{{{{/if}}}}", "{{else if reason}}".repeat(3000)),
                format!("{{{{reason {}}}}}", "(".repeat(20_000)),
                format!("{{{{reason {}}}}}", "[".repeat(20_000)),
            ];
            deep.iter().map(|body| problems(body)).collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .unwrap();
    for (i, found) in outcome.iter().enumerate() {
        assert_eq!(found.len(), 1, "{found:?}");
        let expected = if i < 3 { "nested more than 20 deep" } else { "not allowed inside tags" };
        assert!(found[0].message.contains(expected), "{found:?}");
    }
}

#[test]
fn parts_over_64_kib_are_refused_before_parsing() {
    let exactly = format!("{{{{reason}}}}{}", "x".repeat(MAX_PART_BYTES - 10));
    assert_eq!(exactly.len(), 64 * 1024);
    assert_eq!(problems(&exactly), []);
    let problem = refused(&format!("{exactly}x"), "is 65537 bytes long; at most 65536 bytes (64 KiB)");
    assert_eq!((problem.line, problem.column), (None, None));
}

#[test]
fn an_empty_subject_is_refused() {
    let error = validate_template(KEY, &source(" \n", "", "")).unwrap_err();
    assert_eq!(error.problems, [TemplateProblem::whole(TemplatePart::Subject, "must not be empty")]);
}

#[test]
fn problems_in_every_part_are_reported_together_and_listed_in_the_message() {
    let error = validate_template(KEY, &source("{{nope}}", "{{> footer}}", "{{{reason}}}")).unwrap_err();
    assert_eq!(error.problems.len(), 3);
    let message = error.to_string();
    assert!(message.starts_with("the template has 3 problem(s): subject line 1, column 1: `nope`"), "{message}");
    assert!(message.contains("; html line 1, column 1: partials") && message.contains("; text line 1, column 1"));
    let json = serde_json::to_value(&error.problems[1]).unwrap();
    assert_eq!(json["part"], "html");
    assert_eq!(json["line"], 1);
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{{",
        "}}",
        "{",
        "}",
        "#if ",
        "#unless ",
        "#each ",
        "/if",
        "/unless",
        "else",
        "else if ",
        "^",
        "reason",
        "recipient_name",
        "nope",
        "this",
        "@index",
        "../",
        ".",
        " ",
        "~",
        "!",
        "--",
        ">",
        "&",
        "*",
        "\\",
        "\"",
        "'",
        "(",
        ")",
        "[",
        "]",
        "=",
        "|",
        "as",
        "\n",
        "x",
        "1",
        "true",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn validation_never_panics_and_whatever_it_accepts_renders(tokens in prop::collection::vec(token(), 0..40)) {
        let body = tokens.concat();
        let template = source("Subject", &body, &body);
        if validate_template(KEY, &template).is_ok() {
            prop_assert!(render(&template, &TemplateData::sample(KEY)).is_ok(), "{body:?}");
        }
    }
}
