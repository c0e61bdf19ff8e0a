//! Agreement between two annotators' copies of the same articles (`seedls agree`).
//!
//! Spans are compared on the stripped text, in characters. All figures treat the two
//! copies symmetrically except precision and recall, which read copy A as the reference.
//!
//! - strict span F1: same start, end and type (multisets: a span tagged twice counts twice);
//! - relaxed F1: a span counts as found when the other copy has a span of the same type that
//!   overlaps it (precision over B's spans, recall over A's; F1 their harmonic mean);
//! - id agreement: among strictly matched spans, the share whose ids are equal (no id on
//!   both sides is equal);
//! - event role F1: over (event span, type, role, value) tuples of all event mentions;
//! - Krippendorff's alpha-u (unitizing alpha; Krippendorff 1995, Content Analysis 2004/2013):
//!   every type is a category, the articles laid end to end form the continuum, characters are
//!   its atoms, and text a coder left untagged (for that type) is a gap. A coder's overlapping
//!   units of one type are joined, as the measure requires units of one category not to
//!   overlap. Alpha over all types is 1 − ΣDo / ΣDe.

use std::collections::BTreeMap;

use super::Span;

/// Spans of one copy matched against the other's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Items in copy A, in copy B, and found in both.
    pub a: usize,
    pub b: usize,
    pub both: usize,
}

impl Counts {
    pub fn precision(&self) -> Option<f64> {
        ratio(self.both, self.b)
    }
    pub fn recall(&self) -> Option<f64> {
        ratio(self.both, self.a)
    }
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.both, self.a + self.b)
    }
    fn add(&mut self, o: Counts) {
        self.a += o.a;
        self.b += o.b;
        self.both += o.both;
    }
}

/// Overlap matching: A's spans found in B and B's spans found in A are counted apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Relaxed {
    pub a: usize,
    pub b: usize,
    /// A's spans that overlap a span of B of the same type.
    pub a_found: usize,
    /// B's spans that overlap a span of A of the same type.
    pub b_found: usize,
}

impl Relaxed {
    pub fn precision(&self) -> Option<f64> {
        ratio(self.b_found, self.b)
    }
    pub fn recall(&self) -> Option<f64> {
        ratio(self.a_found, self.a)
    }
    pub fn f1(&self) -> Option<f64> {
        match (self.precision(), self.recall()) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        }
    }
    fn add(&mut self, o: Relaxed) {
        self.a += o.a;
        self.b += o.b;
        self.a_found += o.a_found;
        self.b_found += o.b_found;
    }
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// What the comparison of article pairs adds up to.
#[derive(Clone, Debug, Default)]
pub struct Agreement {
    pub articles: usize,
    pub strict: Counts,
    pub strict_by_type: BTreeMap<String, Counts>,
    pub relaxed: Relaxed,
    pub relaxed_by_type: BTreeMap<String, Relaxed>,
    /// Strictly matched spans, and those of them with the same id.
    pub id_pairs: usize,
    pub id_equal: usize,
    pub roles: Counts,
    pub alpha: Unitizing,
}

impl Agreement {
    /// Adds one article: its spans in copy A and B, and its length in characters.
    pub fn add(&mut self, a: &[Span], b: &[Span], len: u64) {
        self.articles += 1;
        let key = |s: &Span| (s.start, s.end, s.ty.clone());
        let mut ka: Vec<_> = a.iter().map(key).collect();
        let mut kb: Vec<_> = b.iter().map(key).collect();
        ka.sort_unstable();
        kb.sort_unstable();
        let mut types: Vec<&str> = a.iter().chain(b).map(|s| s.ty.as_str()).collect();
        types.sort_unstable();
        types.dedup();
        for ty in types {
            let ta: Vec<_> = ka.iter().filter(|k| k.2 == ty).collect();
            let tb: Vec<_> = kb.iter().filter(|k| k.2 == ty).collect();
            let c = Counts { a: ta.len(), b: tb.len(), both: common(&ta, &tb) };
            self.strict.add(c);
            self.strict_by_type.entry(ty.to_string()).or_default().add(c);
            let sa: Vec<&Span> = a.iter().filter(|s| s.ty == ty).collect();
            let sb: Vec<&Span> = b.iter().filter(|s| s.ty == ty).collect();
            let overlaps = |x: &Span, ys: &[&Span]| ys.iter().any(|y| x.start < y.end && y.start < x.end);
            let r = Relaxed {
                a: sa.len(),
                b: sb.len(),
                a_found: sa.iter().filter(|x| overlaps(x, &sb)).count(),
                b_found: sb.iter().filter(|y| overlaps(y, &sa)).count(),
            };
            self.relaxed.add(r);
            self.relaxed_by_type.entry(ty.to_string()).or_default().add(r);
        }
        // Ids: within each group of equal spans, as many pairs as the smaller side has, of
        // which as many agree as the two sides have ids in common.
        let mut ia: Vec<_> = a.iter().map(|s| (key(s), s.id.clone())).collect();
        let mut ib: Vec<_> = b.iter().map(|s| (key(s), s.id.clone())).collect();
        ia.sort_unstable();
        ib.sort_unstable();
        for group in ia.chunk_by(|x, y| x.0 == y.0) {
            let k = &group[0].0;
            let from = ib.partition_point(|x| &x.0 < k);
            let to = from + ib[from..].partition_point(|x| &x.0 == k);
            if from == to {
                continue;
            }
            self.id_pairs += group.len().min(to - from);
            let ga: Vec<_> = group.iter().map(|x| &x.1).collect();
            let gb: Vec<_> = ib[from..to].iter().map(|x| &x.1).collect();
            self.id_equal += common(&ga, &gb);
        }
        fn roles(spans: &[Span]) -> Vec<(u32, u32, &str, &str, &str)> {
            let mut v: Vec<(u32, u32, &str, &str, &str)> = spans
                .iter()
                .filter(|s| s.is_event())
                .flat_map(|s| {
                    s.args.iter().flat_map(move |(role, values)| {
                        values.iter().map(move |v| (s.start, s.end, s.ty.as_str(), role.as_str(), v.as_str()))
                    })
                })
                .collect();
            v.sort_unstable();
            v
        }
        let (ra, rb) = (roles(a), roles(b));
        self.roles.add(Counts { a: ra.len(), b: rb.len(), both: common(&ra, &rb) });
        self.alpha.add(a, b, len);
    }

    pub fn id_agreement(&self) -> Option<f64> {
        ratio(self.id_equal, self.id_pairs)
    }
}

/// Size of the multiset intersection of two sorted lists.
fn common<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The units of two coders on one continuum, by category, for Krippendorff's alpha-u.
#[derive(Clone, Debug, Default)]
pub struct Unitizing {
    /// Length of the continuum so far (the articles laid end to end).
    pub len: u64,
    /// Category → each coder's units as (start, end), in continuum order.
    units: BTreeMap<String, [Vec<(u64, u64)>; 2]>,
}

impl Unitizing {
    pub fn add(&mut self, a: &[Span], b: &[Span], len: u64) {
        for (coder, spans) in [a, b].into_iter().enumerate() {
            for s in spans.iter().filter(|s| s.end > s.start) {
                let units = &mut self.units.entry(s.ty.clone()).or_default()[coder];
                units.push((self.len + s.start as u64, self.len + s.end as u64));
            }
        }
        self.len += len;
    }

    /// Alpha-u over all categories and for each: `None` where it is undefined (no unit of
    /// the category, so no expected disagreement).
    pub fn alpha(&self) -> (Option<f64>, BTreeMap<String, Option<f64>>) {
        let (mut d_o, mut d_e) = (0.0, 0.0);
        let mut by = BTreeMap::new();
        for (category, [a, b]) in &self.units {
            let (a, b) = (joined(a), joined(b));
            let (o, e) = (observed(&a, &b, self.len), expected(&[&a, &b], self.len));
            d_o += o;
            d_e += e;
            by.insert(category.clone(), (e > 0.0).then(|| 1.0 - o / e));
        }
        ((d_e > 0.0).then(|| 1.0 - d_o / d_e), by)
    }
}

/// Units sorted, overlapping ones joined.
fn joined(units: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut v = units.to_vec();
    v.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Observed disagreement Do of one category for two coders (m = 2) on a continuum of length
/// `len`: Σ over pairs of segments, one from each coder, of δ², times 2 (both orders) over
/// m(m − 1)·len². δ² is (b₁ − b₂)² + (e₁ − e₂)² for two overlapping units, l² for a unit of
/// length l that lies in a gap of the other coder, and 0 otherwise.
pub fn observed(a: &[(u64, u64)], b: &[(u64, u64)], len: u64) -> f64 {
    if len == 0 {
        return 0.0;
    }
    let sq = |x: f64| x * x;
    let mut sum = 0.0;
    // Overlapping unit pairs, by a sweep over both sorted, disjoint lists.
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((s1, e1), (s2, e2)) = (a[i], b[j]);
        if s1 < e2 && s2 < e1 {
            sum += sq(s1 as f64 - s2 as f64) + sq(e1 as f64 - e2 as f64);
        }
        if e1 <= e2 { i += 1 } else { j += 1 }
    }
    // A unit that meets no unit of the other coder lies wholly in one of its gaps.
    for (mine, other) in [(a, b), (b, a)] {
        for &(s, e) in mine {
            let k = other.partition_point(|&(_, oe)| oe <= s);
            if other.get(k).is_none_or(|&(os, _)| os >= e) {
                sum += sq((e - s) as f64);
            }
        }
    }
    2.0 * sum / (2.0 * sq(len as f64))
}

/// Expected disagreement De of one category, from every coder's units and gaps:
///
/// De = (2/L)·Σ_units [ (N − 1)(2l³ − 3l² + l)/3 + l²·Σ_{gaps g with l_g ≥ l} (l_g − l + 1) ]
///      / [ mL(mL − 1) − Σ_units l(l − 1) ]
///
/// with L the continuum's length, m the number of coders, N the number of units of all
/// coders and l a unit's length.
pub fn expected(coders: &[&[(u64, u64)]], len: u64) -> f64 {
    let l_total = len as f64;
    let m = coders.len() as f64;
    let mut gaps: Vec<u64> = Vec::new();
    for units in coders {
        let mut at = 0;
        for &(s, e) in units.iter() {
            if s > at {
                gaps.push(s - at);
            }
            at = e;
        }
        if len > at {
            gaps.push(len - at);
        }
    }
    gaps.sort_unstable();
    // Suffix sums of gap lengths, for Σ (l_g − l + 1) over the gaps at least l long.
    let mut suffix = vec![0.0; gaps.len() + 1];
    for k in (0..gaps.len()).rev() {
        suffix[k] = suffix[k + 1] + gaps[k] as f64;
    }
    let n = coders.iter().map(|u| u.len()).sum::<usize>() as f64;
    let (mut num, mut self_pairs) = (0.0, 0.0);
    for &(s, e) in coders.iter().flat_map(|u| u.iter()) {
        let l = (e - s) as f64;
        let k = gaps.partition_point(|&g| g < e - s);
        let count = (gaps.len() - k) as f64;
        let in_gaps = suffix[k] - count * (l - 1.0);
        num += (n - 1.0) * (2.0 * l * l * l - 3.0 * l * l + l) / 3.0 + l * l * in_gaps;
        self_pairs += l * (l - 1.0);
    }
    let denominator = m * l_total * (m * l_total - 1.0) - self_pairs;
    if num == 0.0 || denominator <= 0.0 {
        return 0.0;
    }
    (2.0 / l_total) * num / denominator
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// One category on a continuum of 10 characters; coder A tags [2, 5), coder B [3, 5).
    ///
    /// Segments: A = gap 2, unit 3, gap 5; B = gap 3, unit 2, gap 5.
    /// Do: the two units overlap: δ² = (2 − 3)² + (5 − 5)² = 1; no unit lies inside a gap of
    /// the other coder (A's unit meets B's). Do = 2·1 / (2·1·10²) = 0.01.
    /// De: N = 2 units; gaps of both coders: 2, 5, 3, 5.
    ///   unit l = 3: (N−1)(2·27 − 3·9 + 3)/3 = 10; gaps ≥ 3: 5, 3, 5 → (3 + 1 + 3)·9 = 63; 73
    ///   unit l = 2: (2·8 − 3·4 + 2)/3 = 2; gaps ≥ 2: 2, 5, 3, 5 → (1 + 4 + 2 + 4)·4 = 44; 46
    ///   De = (2/10)·119 / (20·19 − (3·2 + 2·1)) = 23.8 / 372 = 0.063978…
    /// alpha = 1 − 0.01 / (23.8 / 372) = 1 − 3.72 / 23.8 = 0.843697…
    #[test]
    fn alpha_u_by_hand() {
        let (a, b) = ([(2, 5)], [(3, 5)]);
        close(observed(&a, &b, 10), 0.01);
        close(expected(&[&a, &b], 10), 23.8 / 372.0);
        close(1.0 - observed(&a, &b, 10) / expected(&[&a, &b], 10), 1.0 - 3.72 / 23.8);
    }

    /// A unit one coder tagged and the other did not: A tags [0, 2) and [6, 8), B only [6, 8);
    /// L = 10.
    /// Do: [6, 8) against [6, 8): δ² = 0; A's [0, 2) lies in B's gap [0, 6): δ² = 2² = 4.
    /// Do = 2·4 / (2·10²) = 0.04.
    /// De: N = 3 units of length 2; gaps: A 4 (2..6), 2 (8..10); B 6 (0..6), 2 (8..10).
    ///   each unit: (3 − 1)(16 − 12 + 2)/3 = 4; gaps ≥ 2: 2, 2, 4, 6 → (1 + 1 + 3 + 5)·4 = 40;
    ///   44 each, 132 in all. De = (2/10)·132 / (20·19 − 3·2) = 26.4 / 374.
    /// alpha = 1 − 0.04·374 / 26.4 = 1 − 14.96 / 26.4 = 0.433333…
    #[test]
    fn alpha_u_with_a_missed_unit() {
        let (a, b) = ([(0, 2), (6, 8)], [(6, 8)]);
        close(observed(&a, &b, 10), 0.04);
        close(expected(&[&a, &b], 10), 26.4 / 374.0);
        close(1.0 - observed(&a, &b, 10) / expected(&[&a, &b], 10), 1.0 - 14.96 / 26.4);
    }

    #[test]
    fn identical_unitizations_agree_perfectly() {
        let a = [(1, 4), (5, 9)];
        assert_eq!(observed(&a, &a, 12), 0.0);
        assert!(expected(&[&a, &a], 12) > 0.0);
    }

    fn span(start: u32, end: u32, ty: &str, id: Option<&str>) -> Span {
        Span {
            bytes: crate::text::TextRange::new(start, end),
            start,
            end,
            ty: ty.into(),
            mode: None,
            id: id.map(Into::into),
            args: Vec::new(),
            class: Some(crate::syntax::schema::Class::Entity),
            parent: None,
        }
    }

    /// A: person [0,5) x, place [10,16) y, place [20,25) z.
    /// B: person [0,5) x, place [10,14) y (overlaps A's), gov [20,25) w.
    /// strict: one match (person) of 3 and 3: F1 = 2·1/6 = 1/3.
    /// relaxed: person found both ways; place: A's [10,16) found, B's [10,14) found, A's
    /// [20,25) not; gov: B's not. P = 2/3 (B: 2 of 3), R = 2/3 → F1 = 2/3.
    /// ids: one strict pair (person), same id → 1/1.
    #[test]
    fn span_f1_by_hand() {
        let a = [span(0, 5, "person", Some("x")), span(10, 16, "place", Some("y")), span(20, 25, "place", None)];
        let b = [span(0, 5, "person", Some("x")), span(10, 14, "place", Some("y")), span(20, 25, "gov", None)];
        let mut g = Agreement::default();
        g.add(&a, &b, 30);
        close(g.strict.f1().unwrap(), 1.0 / 3.0);
        close(g.relaxed.precision().unwrap(), 2.0 / 3.0);
        close(g.relaxed.recall().unwrap(), 2.0 / 3.0);
        close(g.relaxed.f1().unwrap(), 2.0 / 3.0);
        assert_eq!((g.id_equal, g.id_pairs), (1, 1));
        assert_eq!(g.strict_by_type["place"], Counts { a: 2, b: 1, both: 0 });
        assert_eq!(g.strict_by_type["gov"], Counts { a: 0, b: 1, both: 0 });
    }
}
