#![no_main]
//! The schema parser: no panic, ranges on character boundaries, and every role of a type it
//! accepts names a type the schema defines (or a wildcard or `date`).

use libfuzzer_sys::fuzz_target;
use seedls::diagnostic::Code;
use seedls::syntax::schema::{Allowed, parse_schema};

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let Some(text) = text(data) else { return };
    let (schema, diags) = parse_schema(text);
    assert_diagnostics(text, &diags);
    for t in &schema.types {
        if let Some(r) = t.range {
            assert_range(text, r, "schema row");
        }
        assert!(schema.get(&t.name).is_some(), "type {} not found by name", t.name);
        // The spec a type prints is what a schema file would hold: it never panics.
        for role in &t.roles {
            let _ = role.spec();
            // Without S001 every type a role names exists.
            if !diags.iter().any(|d| d.code == Code::S001) {
                for a in &role.allowed {
                    if let Allowed::Type(name) = a {
                        assert!(schema.get(name).is_some(), "role {} of {} names unknown {name}", role.name, t.name);
                    }
                }
            }
        }
    }
});
