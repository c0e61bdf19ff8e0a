//! Mention summaries and diagnostics packed into bytes, for the files nobody is editing.
//!
//! A cold-loaded file keeps ~30 mentions, each a 56-byte struct plus a boxed list of arguments
//! and a boxed list of values per argument: two fifths of the heap of a load, for data a request
//! reads for a handful of files. Packed, a mention is ~15 bytes: every number is a
//! LEB128 varint counted from the previous position (ranges are short and close together),
//! symbols are the interner's numbers. Unpacking one file's mentions takes microseconds. Its
//! diagnostics (often one glued-sentence hint: five allocations) go the same way.

use std::borrow::Cow;

use lasso::Key;

use super::{ArgSummary, MentionSummary, Sym};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix, Related};
use crate::text::TextRange;

/// A packed form of a list.
pub trait Pack: Sized {
    type Item: Clone + PartialEq + std::fmt::Debug;
    /// `None` when the list cannot be packed (it is then kept as it is).
    fn pack(items: &[Self::Item]) -> Option<Self>;
    fn unpack(&self) -> Vec<Self::Item>;
    fn len(&self) -> usize;
}

/// A list as a file keeps it: as is while the file is edited (a change splices it), packed
/// once nobody edits it, or not at all in a lean corpus (`Dropped`, with the ids the file
/// holds, which its removal from the index needs).
#[derive(Clone)]
pub enum Kept<P: Pack> {
    List(Vec<P::Item>),
    Packed(P),
    Dropped(Box<[Sym]>),
}

/// Reading what a lean file dropped is a bug of the caller, which should have asked
/// `Corpus::full` for the file.
const DROPPED: &str = "a lean file's mentions and diagnostics are read through Corpus::full";

impl<P: Pack> Kept<P> {
    pub fn get(&self) -> Cow<'_, [P::Item]> {
        match self {
            Kept::List(list) => Cow::Borrowed(list),
            Kept::Packed(packed) => Cow::Owned(packed.unpack()),
            Kept::Dropped(_) => panic!("{DROPPED}"),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Kept::List(list) => list.len(),
            Kept::Packed(packed) => packed.len(),
            Kept::Dropped(_) => panic!("{DROPPED}"),
        }
    }

    pub fn is_dropped(&self) -> bool {
        matches!(self, Kept::Dropped(_))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The list, unpacked first if need be.
    pub fn to_mut(&mut self) -> &mut Vec<P::Item> {
        if let Kept::Packed(packed) = self {
            *self = Kept::List(packed.unpack());
        }
        match self {
            Kept::List(list) => list,
            Kept::Packed(_) => unreachable!("unpacked above"),
            Kept::Dropped(_) => panic!("{DROPPED}"),
        }
    }

    /// Packed, unless it is empty (nothing to save) or cannot be.
    pub fn pack(&mut self) {
        if let Kept::List(list) = self {
            if list.is_empty() {
                *list = Vec::new();
            } else if let Some(packed) = P::pack(list) {
                *self = Kept::Packed(packed);
            }
        }
    }
}

impl<P: Pack> From<Vec<P::Item>> for Kept<P> {
    fn from(list: Vec<P::Item>) -> Kept<P> {
        Kept::List(list)
    }
}

impl<P: Pack> Default for Kept<P> {
    fn default() -> Kept<P> {
        Kept::List(Vec::new())
    }
}

/// The items, packed or not (a summary's dump does not depend on who edits the file).
impl<P: Pack> std::fmt::Debug for Kept<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kept::Dropped(ids) => f.debug_tuple("Dropped").field(&ids.len()).finish(),
            _ => f.debug_list().entries(self.get().iter()).finish(),
        }
    }
}

/// Equal when they hold the same items, packed or not.
impl<P: Pack> PartialEq for Kept<P> {
    fn eq(&self, other: &Kept<P>) -> bool {
        match (self, other) {
            (Kept::Dropped(a), Kept::Dropped(b)) => a == b,
            (Kept::Dropped(_), _) | (_, Kept::Dropped(_)) => false,
            _ => self.get() == other.get(),
        }
    }
}

impl<P: Pack> Eq for Kept<P> {}

/// Packed mentions: the bytes and how many mentions they hold.
#[derive(Clone, Debug)]
pub struct PackedMentions {
    pub(super) bytes: Box<[u8]>,
    len: u32,
}

impl Pack for PackedMentions {
    type Item = MentionSummary;

    fn pack(mentions: &[MentionSummary]) -> Option<PackedMentions> {
        let mut w = Writer(Vec::with_capacity(mentions.len() * 12));
        let mut at = 0u32;
        for (i, m) in mentions.iter().enumerate() {
            // A nested mention's start may come before the previous one's: signed steps.
            w.signed(i64::from(m.range.start) - i64::from(at));
            at = m.range.start;
            w.range_from(at, m.range);
            w.range_from(at, m.surface);
            w.signed(i64::from(m.head_start) - i64::from(at));
            for s in [m.ty, m.mode, m.id] {
                w.sym(s);
            }
            // A parent is near its child in the list: a small step, either way.
            w.unsigned(m.parent.map_or(0, |p| zigzag(i64::from(p) - i as i64) + 1));
            w.unsigned(m.args.len() as u64);
            let mut cursor = m.head_start;
            for a in m.args.iter() {
                w.sym(Some(a.role));
                w.range_from(cursor, a.role_range);
                cursor = a.role_range.end;
                w.unsigned(a.values.len() as u64);
                for &(v, r) in a.values.iter() {
                    w.sym(Some(v));
                    w.range_from(cursor, r);
                    cursor = r.end;
                }
            }
        }
        Some(PackedMentions { bytes: w.0.into_boxed_slice(), len: mentions.len() as u32 })
    }

    fn len(&self) -> usize {
        self.len as usize
    }

    fn unpack(&self) -> Vec<MentionSummary> {
        let mut r = Reader { bytes: &self.bytes, at: 0 };
        let mut out = Vec::with_capacity(self.len as usize);
        let mut at = 0u32;
        for i in 0..self.len {
            at = r.offset(at);
            let range = r.range_from(at);
            let surface = r.range_from(at);
            let head_start = r.offset(at);
            let (ty, mode, id) = (r.sym(), r.sym(), r.sym());
            let parent = match r.unsigned() {
                0 => None,
                p => Some((i64::from(i) + unzigzag(p - 1)) as u32),
            };
            let mut cursor = head_start;
            let args = (0..r.unsigned())
                .map(|_| {
                    let role = r.sym().expect("a packed role is never empty");
                    let role_range = r.range_from(cursor);
                    cursor = role_range.end;
                    let values = (0..r.unsigned())
                        .map(|_| {
                            let v = r.sym().expect("a packed value is never empty");
                            let range = r.range_from(cursor);
                            cursor = range.end;
                            (v, range)
                        })
                        .collect();
                    ArgSummary { role, role_range, values }
                })
                .collect();
            out.push(MentionSummary { range, surface, head_start, ty, mode, id, args, parent });
        }
        out
    }
}

/// Packed diagnostics: the bytes and how many diagnostics they hold.
#[derive(Clone, Debug)]
pub struct PackedDiagnostics {
    bytes: Box<[u8]>,
    len: u32,
}

impl Pack for PackedDiagnostics {
    type Item = Diagnostic;

    /// `None` when a diagnostic points into another file (a file's own diagnostics never do).
    fn pack(diagnostics: &[Diagnostic]) -> Option<PackedDiagnostics> {
        let mut w = Writer(Vec::new());
        let mut at = 0u32;
        for d in diagnostics {
            w.unsigned(Code::ALL.iter().position(|&c| c == d.code)? as u64);
            w.signed(i64::from(d.range.start) - i64::from(at));
            at = d.range.start;
            w.unsigned(u64::from(d.range.end - d.range.start));
            w.str(&d.message);
            w.unsigned(d.related.len() as u64);
            for r in &d.related {
                if r.file.is_some() {
                    return None;
                }
                w.range_from(at, r.range);
                w.str(&r.message);
            }
            w.unsigned(d.fixes.len() as u64);
            for f in &d.fixes {
                w.str(&f.title);
                w.unsigned(f.edits.len() as u64);
                for e in &f.edits {
                    if e.file.is_some() {
                        return None;
                    }
                    w.range_from(at, e.range);
                    w.str(&e.insert);
                }
            }
        }
        Some(PackedDiagnostics { bytes: w.0.into_boxed_slice(), len: diagnostics.len() as u32 })
    }

    fn len(&self) -> usize {
        self.len as usize
    }

    fn unpack(&self) -> Vec<Diagnostic> {
        let mut r = Reader { bytes: &self.bytes, at: 0 };
        let mut at = 0u32;
        (0..self.len)
            .map(|_| {
                let code = Code::ALL[r.unsigned() as usize];
                at = r.offset(at);
                let range = TextRange::new(at, at + r.unsigned() as u32);
                let message = r.string();
                let related = (0..r.unsigned())
                    .map(|_| Related { file: None, range: r.range_from(at), message: r.string() })
                    .collect();
                let fixes = (0..r.unsigned())
                    .map(|_| {
                        let title = r.string();
                        let edits =
                            (0..r.unsigned()).map(|_| Edit { file: None, range: r.range_from(at), insert: r.string() });
                        Fix { title, edits: edits.collect() }
                    })
                    .collect();
                Diagnostic { code, range, message, related, fixes }
            })
            .collect()
    }
}

/// Small negative steps stay one byte.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

struct Writer(Vec<u8>);

impl Writer {
    fn unsigned(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn signed(&mut self, v: i64) {
        self.unsigned(zigzag(v));
    }

    /// A range as its start's step from `base` and its length.
    fn range_from(&mut self, base: u32, r: TextRange) {
        self.signed(i64::from(r.start) - i64::from(base));
        self.unsigned(u64::from(r.end - r.start));
    }

    fn sym(&mut self, s: Option<Sym>) {
        self.unsigned(s.map_or(0, |s| s.into_usize() as u64 + 1));
    }

    fn str(&mut self, s: &str) {
        self.unsigned(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn unsigned(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.bytes[self.at];
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn signed(&mut self) -> i64 {
        unzigzag(self.unsigned())
    }

    fn offset(&mut self, base: u32) -> u32 {
        (i64::from(base) + self.signed()) as u32
    }

    fn range_from(&mut self, base: u32) -> TextRange {
        let start = self.offset(base);
        TextRange::new(start, start + self.unsigned() as u32)
    }

    fn sym(&mut self) -> Option<Sym> {
        match self.unsigned() {
            0 => None,
            s => Sym::try_from_usize(s as usize - 1),
        }
    }

    /// A string [`Writer::str`] wrote, so valid UTF-8.
    fn string(&mut self) -> String {
        let len = self.unsigned() as usize;
        let bytes = &self.bytes[self.at..self.at + len];
        self.at += len;
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Interner;
    use proptest::prelude::*;

    fn arb_range() -> impl Strategy<Value = TextRange> {
        (0u32..u32::MAX / 2, 0u32..5000).prop_map(|(s, l)| TextRange::new(s, s + l))
    }

    fn arb_mention(syms: Vec<Sym>) -> impl Strategy<Value = MentionSummary> {
        let sym = proptest::sample::select(syms);
        let osym = proptest::option::of(sym.clone());
        let arg = (sym.clone(), arb_range(), proptest::collection::vec((sym, arb_range()), 0..3))
            .prop_map(|(role, role_range, values)| ArgSummary { role, role_range, values: values.into_boxed_slice() });
        (
            arb_range(),
            arb_range(),
            0u32..u32::MAX / 2,
            (osym.clone(), osym.clone(), osym),
            proptest::collection::vec(arg, 0..3),
            proptest::option::of(0u32..64),
        )
            .prop_map(|(range, surface, head_start, (ty, mode, id), args, parent)| MentionSummary {
                range,
                surface,
                head_start,
                ty,
                mode,
                id,
                args: args.into_boxed_slice(),
                parent,
            })
    }

    proptest! {
        /// Any list comes back as it went in: ranges anywhere (edits move them), steps back,
        /// parents before or after, symbols up to the interner's largest.
        #[test]
        fn unpack_gives_back_what_was_packed(
            mentions in {
                let interner = Interner::with_hasher(rustc_hash::FxBuildHasher);
                let syms: Vec<Sym> = (0..300).map(|i| interner.get_or_intern(format!("s{i}"))).collect();
                proptest::collection::vec(arb_mention(syms), 0..40)
            }
        ) {
            let packed = PackedMentions::pack(&mentions).unwrap();
            prop_assert_eq!(packed.len(), mentions.len());
            prop_assert_eq!(packed.unpack(), mentions);
        }
    }

    fn arb_diagnostic() -> impl Strategy<Value = Diagnostic> {
        let text = "[a-zé’😀 `.]{0,40}";
        let related = (arb_range(), text).prop_map(|(range, message)| Related { file: None, range, message });
        let edit = (arb_range(), text).prop_map(|(range, insert)| Edit { file: None, range, insert });
        let fix = (text, proptest::collection::vec(edit, 0..3)).prop_map(|(title, edits)| Fix { title, edits });
        (
            proptest::sample::select(Code::ALL),
            arb_range(),
            text,
            proptest::collection::vec(related, 0..2),
            proptest::collection::vec(fix, 0..2),
        )
            .prop_map(|(code, range, message, related, fixes)| Diagnostic {
                code,
                range,
                message,
                related,
                fixes,
            })
    }

    proptest! {
        #[test]
        fn unpacked_diagnostics_are_those_packed(diagnostics in proptest::collection::vec(arb_diagnostic(), 0..6)) {
            let packed = PackedDiagnostics::pack(&diagnostics).unwrap();
            prop_assert_eq!(packed.len(), diagnostics.len());
            prop_assert_eq!(packed.unpack(), diagnostics);
        }
    }

    /// A place in another file is not packed: the list stays as it is.
    #[test]
    fn diagnostics_pointing_elsewhere_stay_unpacked() {
        let here = Diagnostic::new(Code::T001, TextRange::new(3, 4), "glued");
        let elsewhere = here.clone().with_related(Some("/ws/b.txt".into()), TextRange::new(0, 1), "there");
        let mut kept: Kept<PackedDiagnostics> = vec![here.clone()].into();
        kept.pack();
        assert!(matches!(kept, Kept::Packed(_)));
        let mut kept: Kept<PackedDiagnostics> = vec![here, elsewhere.clone()].into();
        kept.pack();
        assert!(matches!(kept, Kept::List(_)));
        assert_eq!(kept.get()[1], elsewhere);
    }
}
