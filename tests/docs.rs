//! The README's diagnostics table is the contract's: every code, with its severity.

use seedls::diagnostic::Code;

#[test]
fn readme_lists_every_code_with_its_severity() {
    let readme = include_str!("../README.md");
    for code in Code::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {code} |")))
            .unwrap_or_else(|| panic!("README has no row for {code}"));
        let severity = row.split('|').nth(2).unwrap().trim();
        assert_eq!(severity, code.severity().as_str(), "severity of {code} in the README");
    }
    let rows = readme
        .lines()
        .filter(|l| l.starts_with("| ") && l.get(2..6).is_some_and(|c| c.parse::<Code>().is_ok()))
        .count();
    assert_eq!(rows, Code::ALL.len(), "README lists a code the contract does not have");
}
