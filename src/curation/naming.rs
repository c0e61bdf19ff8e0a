//! `seedls new`: the name and header of the next seed file.
//!
//! Seed files are named `NNN_<16 hex digits>.txt`. The shipped seeds' digits are not derived
//! from anything in them that we could find (their URL, header or text under the usual hashes),
//! so seedls chooses: with a source URL, the 64-bit FNV-1a hash of the URL, so the same article
//! always gets the same name and a second download of it stands out; without one, a hash of
//! the clock and the process id.

use crate::syntax::header::{Date, date_in_url};

/// FNV-1a, 64 bits: stable across platforms and releases, unlike the standard hasher.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The number of a seed file name `NNN_<16 hex>.txt`, with its width.
pub fn seed_number(name: &str) -> Option<(u64, usize)> {
    let stem = name.strip_suffix(".txt")?;
    let (num, hex) = stem.split_once('_')?;
    let ok = !num.is_empty()
        && num.bytes().all(|b| b.is_ascii_digit())
        && hex.len() == 16
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| num.parse().ok().map(|n| (n, num.len()))).flatten()
}

/// The next file name after `existing` names (others are ignored): one more than the highest
/// number, at least three digits wide (wider when existing names are).
pub fn next_name<'a>(existing: impl IntoIterator<Item = &'a str>, hash: u64) -> String {
    let (mut next, mut width) = (0u64, 3usize);
    for (n, w) in existing.into_iter().filter_map(seed_number) {
        next = next.max(n + 1);
        width = width.max(w);
    }
    format!("{next:0width$}_{hash:016x}.txt")
}

/// The header line of a new seed file (with the blank line that follows it): the date in the
/// URL when it has one, else the month of `today`.
pub fn header(url: Option<&str>, today: Date) -> String {
    match url {
        Some(url) => {
            let date = date_in_url(url).map_or_else(|| today.month_of(), |(d, _)| d);
            format!(" date {date} {url}\n\n")
        }
        None => format!(" date {}\n\n", today.month_of()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_number_after_the_highest() {
        let h = 0x0e7c_f4dd_d4e0_4d16;
        assert_eq!(next_name([], h), "000_0e7cf4ddd4e04d16.txt");
        assert_eq!(next_name(["000_0e7cf4ddd4e04d16.txt", "001_d0178e134f3a1cf6.txt"], 1), "002_0000000000000001.txt");
        assert_eq!(
            next_name(["000041_0e7cf4ddd4e04d16.txt", "notes.txt", "7_x.txt"], 1),
            "000042_0000000000000001.txt"
        );
    }

    #[test]
    fn headers_take_the_date_of_the_url() {
        let today = Date { year: 2024, month: 6, day: Some(15) };
        assert_eq!(
            header(Some("https://x.org/2022/01/05/a"), today),
            " date 2022-01-05 https://x.org/2022/01/05/a\n\n"
        );
        assert_eq!(header(Some("https://x.org/a"), today), " date 2024-06 https://x.org/a\n\n");
        assert_eq!(header(None, today), " date 2024-06\n\n");
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
