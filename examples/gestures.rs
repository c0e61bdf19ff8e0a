//! Counts the gestures an annotator needs to annotate an article with the server's help: the
//! code actions applied, the completion items chosen, and what is typed by hand (a wrap, a
//! name, an id), one gesture each.
//!
//! `cargo run --release --example gestures -- TARGET TAUGHT REGISTRY`: the article `TARGET`
//! (annotated) is the goal; the work starts from its plain text, in a corpus holding the
//! annotated article `TAUGHT` and the rows of `REGISTRY` whose ids `TAUGHT` uses (what was
//! known before this article). Mentions are annotated innermost first, each by the cheapest
//! route: a code action at its selection that tags it (and maybe others, all correctly; a
//! wrong tag it adds costs a "Remove tag"), or a wrap typed by hand then the tag from
//! completion items or typed. An entity whose id is not registered yet gets the id the
//! server makes up, if it offers one; else its id is typed and "Add … to entities.tsv" applied.
//! Prints the counts per route and the gestures per mention.

use std::collections::HashMap;
use std::path::PathBuf;

use seedls::analysis::Caches;
use seedls::corpus::Corpus;
use seedls::ide::{ActionKind, code_actions, completions};
use seedls::syntax::annotation::parse_annotations;
use seedls::syntax::header::Date;
use seedls::text::TextRange;

/// A tag: `type.mode:id role=a,b …`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tag {
    ty: String,
    mode: Option<String>,
    id: Option<String>,
    args: Vec<(String, Vec<String>)>,
}

impl Tag {
    fn parse(s: &str) -> Tag {
        let mut words = s.split_whitespace();
        let head = words.next().unwrap_or_default();
        let (ty_mode, id) = match head.split_once(':') {
            Some((t, id)) => (t, Some(id.to_string())),
            None => (head, None),
        };
        let (ty, mode) = match ty_mode.split_once('.') {
            Some((t, m)) => (t.to_string(), Some(m.to_string())),
            None => (ty_mode.to_string(), None),
        };
        let args = words
            .filter_map(|w| w.split_once('='))
            .map(|(r, v)| (r.to_string(), v.split(',').map(str::to_string).collect()))
            .collect();
        Tag { ty, mode, id, args }
    }

    fn head(&self) -> String {
        let mut s = self.ty.clone();
        if let Some(m) = &self.mode {
            s = format!("{s}.{m}");
        }
        if let Some(id) = &self.id {
            s = format!("{s}:{id}");
        }
        s
    }
}

/// A mention of the goal: where its surface is in the plain text, its tag, and its markup in
/// the goal's text.
struct Goal {
    plain: (usize, usize),
    tag: Tag,
    open: usize,
    markup: (usize, usize),
    depth: usize,
}

/// The plain-text offset of each byte of `text`, whose mentions are `marks` (`[` offsets and
/// `]{…}` ranges).
fn plain_offset(marks: &[(usize, (usize, usize))], at: usize) -> usize {
    let mut removed = 0;
    for &(open, (s, e)) in marks {
        if open < at {
            removed += 1;
        }
        if e <= at {
            removed += e - s;
        } else if s < at {
            removed += at - s;
        }
    }
    at - removed
}

/// A mention of a text: its plain range, tag, `[` offset, `]{…}` range and parent.
type Found = ((usize, usize), Tag, usize, (usize, usize), Option<u32>);

fn mentions(text: &str) -> Vec<Found> {
    let (ann, _) = parse_annotations(text);
    let marks: Vec<(usize, (usize, usize))> =
        ann.mentions.iter().map(|m| (m.range.start as usize, (m.surface.end as usize, m.range.end as usize))).collect();
    ann.mentions
        .iter()
        .map(|m| {
            let plain = (plain_offset(&marks, m.surface.start as usize), plain_offset(&marks, m.surface.end as usize));
            let tag = Tag::parse(&text[m.tag.to_usize()]);
            (plain, tag, m.range.start as usize, (m.surface.end as usize, m.range.end as usize), m.parent)
        })
        .collect()
}

struct Work {
    corpus: Corpus,
    goal_text: String,
    goals: Vec<Goal>,
    done: Vec<bool>,
    /// Goal id → the id it got (new entities take the server's).
    ids: HashMap<String, String>,
    registered: Vec<String>,
    registry: String,
    path: PathBuf,
    registry_path: PathBuf,
}

impl Work {
    /// The goal's text with only the mentions done tagged (their ids as given).
    fn text(&self) -> String {
        let mut out = String::new();
        let mut skip: Vec<(usize, usize)> = Vec::new();
        let mut replace: Vec<(usize, usize, String)> = Vec::new();
        for (g, done) in self.goals.iter().zip(&self.done) {
            if *done {
                replace.push((g.markup.0, g.markup.1, format!("]{{{}}}", self.mapped(&g.tag))));
            } else {
                skip.push((g.open, g.open + 1));
                skip.push(g.markup);
            }
        }
        let mut i = 0;
        let bytes = self.goal_text.len();
        while i < bytes {
            if let Some(&(_, e)) = skip.iter().find(|(s, _)| *s == i) {
                i = e;
                continue;
            }
            if let Some((_, e, r)) = replace.iter().find(|(s, ..)| *s == i) {
                out.push_str(r);
                i = *e;
                continue;
            }
            let c = self.goal_text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
        out
    }

    fn id(&self, id: &str) -> String {
        self.ids.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    fn mapped(&self, tag: &Tag) -> String {
        let mut t = tag.clone();
        t.id = t.id.map(|id| self.id(&id));
        for (_, values) in &mut t.args {
            for v in values {
                *v = self.id(v);
            }
        }
        let mut s = t.head();
        for (r, v) in &t.args {
            s = format!("{s} {r}={}", v.join(","));
        }
        s
    }

    /// Whether `got` is the goal's `want`, a new id of `got` possibly standing for a goal id
    /// not registered yet (returned, to be remembered).
    fn agrees(&self, want: &Tag, got: &Tag) -> Option<Option<(String, String)>> {
        if want.ty != got.ty || want.mode != got.mode {
            return None;
        }
        let mut new = None;
        match (&want.id, &got.id) {
            (None, None) => {}
            (Some(w), Some(g)) if self.id(w) == *g => {}
            (Some(w), Some(g))
                if !self.ids.contains_key(w)
                    && !self.registered.contains(w)
                    && !self.registered.contains(g)
                    && !self.ids.values().any(|v| v == g) =>
            {
                new = Some((w.clone(), g.clone()))
            }
            _ => return None,
        }
        let norm = |args: &[(String, Vec<String>)], map: bool| {
            let mut a: Vec<(String, Vec<String>)> = args
                .iter()
                .map(|(r, v)| (r.clone(), v.iter().map(|x| if map { self.id(x) } else { x.clone() }).collect()))
                .collect();
            a.sort();
            a
        };
        (norm(&want.args, true) == norm(&got.args, false)).then_some(new)
    }

    fn set(&mut self, text: &str) {
        self.corpus.set_text(&self.path, text.as_bytes());
    }
}

#[derive(Default, Debug)]
struct Counts {
    actions: usize,
    completions: usize,
    typed: usize,
    removals: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, taught, registry] = args.as_slice() else {
        eprintln!("usage: gestures TARGET TAUGHT REGISTRY");
        std::process::exit(2);
    };
    let goal_text = std::fs::read_to_string(target).expect("the target article");
    let taught_text = std::fs::read_to_string(taught).expect("the taught article");
    let registry_text = std::fs::read_to_string(registry).expect("the registry");
    // The rows the taught article uses: what was registered before the target.
    let used: Vec<String> = mentions(&taught_text)
        .iter()
        .flat_map(|(_, t, ..)| t.id.iter().cloned().chain(t.args.iter().flat_map(|(_, v)| v.clone())))
        .collect();
    let mut lines = registry_text.lines();
    let mut start = format!("{}\n", lines.next().unwrap_or_default());
    let mut registered = Vec::new();
    for line in lines {
        let id = line.split('\t').next().unwrap_or_default();
        if used.iter().any(|u| u == id) {
            start.push_str(line);
            start.push('\n');
            registered.push(id.to_string());
        }
    }
    let root = PathBuf::from("/ws");
    let mut corpus = Corpus::new(vec![root.clone()], Date::today());
    corpus.set_text(&root.join("entities.tsv"), start.as_bytes());
    corpus.set_text(&root.join("taught.txt"), taught_text.as_bytes());
    let found = mentions(&goal_text);
    let depth = |mut p: Option<u32>| {
        let mut d = 0;
        while let Some(i) = p {
            d += 1;
            p = found[i as usize].4;
        }
        d
    };
    let goals: Vec<Goal> = found
        .iter()
        .map(|(plain, tag, open, markup, parent)| Goal {
            plain: *plain,
            tag: tag.clone(),
            open: *open,
            markup: *markup,
            depth: depth(*parent),
        })
        .collect();
    let n = goals.len();
    let mut w = Work {
        corpus,
        goal_text,
        goals,
        done: vec![false; n],
        ids: HashMap::new(),
        registered,
        registry: start,
        path: root.join("work.txt"),
        registry_path: root.join("entities.tsv"),
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(w.goals[i].depth), w.goals[i].plain.0));
    let mut counts = Counts::default();
    for i in order {
        if w.done[i] {
            continue;
        }
        let text = w.text();
        w.set(&text);
        let was = (counts.actions, counts.completions, counts.typed, counts.removals);
        let how = if by_action(&mut w, i, &text, &mut counts) {
            "action"
        } else {
            by_hand(&mut w, i, &text, &mut counts);
            "by hand"
        };
        if std::env::var_os("GESTURES_VERBOSE").is_some() {
            let now = (counts.actions, counts.completions, counts.typed, counts.removals);
            let g = &w.goals[i];
            eprintln!(
                "{how} {:?} {:?} {}",
                (now.0 - was.0, now.1 - was.1, now.2 - was.2, now.3 - was.3),
                &text[surface_in(&w, i, &text).to_usize()].chars().take(40).collect::<String>(),
                g.tag.head()
            );
        }
    }
    let total = counts.actions + counts.completions + counts.typed + counts.removals;
    println!(
        "{n} mentions: {} code actions, {} completion items, {} typed by hand, {} tags removed = {total} gestures, {:.2} per mention",
        counts.actions,
        counts.completions,
        counts.typed,
        counts.removals,
        total as f64 / n as f64
    );
}

/// The mentions of `text` by their plain range, with their tags.
fn tags_of(text: &str) -> HashMap<(usize, usize), Tag> {
    mentions(text).into_iter().map(|(plain, tag, ..)| (plain, tag)).collect()
}

/// Applies the best code action at goal `i`'s selection, if one tags it: the one tagging the
/// most goals, net of the wrong tags it adds.
fn by_action(w: &mut Work, i: usize, text: &str, counts: &mut Counts) -> bool {
    let file = w.corpus.file_id(&w.path).unwrap();
    let reg_file = w.corpus.file_id(&w.registry_path).unwrap();
    let before = tags_of(text);
    let sel = surface_in(w, i, text);
    let actions = code_actions(&w.corpus, &Caches::default(), file, Some(text), sel, &|_| true);
    // (score, goals tagged, wrong tags, new ids, the registry after)
    type Best = (isize, Vec<usize>, usize, Vec<(String, String)>, String);
    let mut best: Option<Best> = None;
    for a in &actions {
        if a.kind == ActionKind::Refactor {
            continue;
        }
        let after = a.change.apply(file, text);
        let mut right = Vec::new();
        let mut wrong = 0;
        let mut new_ids = Vec::new();
        for (plain, tag) in tags_of(&after) {
            if before.get(&plain) == Some(&tag) {
                continue;
            }
            let goal = (0..w.goals.len()).find(|&g| !w.done[g] && w.goals[g].plain == plain);
            match goal.and_then(|g| w.agrees(&w.goals[g].tag, &tag).map(|n| (g, n))) {
                Some((g, n)) => {
                    right.push(g);
                    new_ids.extend(n);
                }
                None => wrong += 1,
            }
        }
        if !right.contains(&i) {
            continue;
        }
        let score = right.len() as isize - wrong as isize;
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, right, wrong, new_ids, a.change.apply(reg_file, &w.registry)));
        }
    }
    let Some((_, right, wrong, new_ids, registry)) = best else { return false };
    counts.actions += 1;
    counts.removals += wrong;
    for g in right {
        w.done[g] = true;
    }
    w.ids.extend(new_ids);
    w.registry = registry;
    w.corpus.set_text(&w.registry_path, w.registry.as_bytes());
    true
}

/// The goal's surface in the current text.
fn surface_in(w: &Work, i: usize, text: &str) -> TextRange {
    let (ann, _) = parse_annotations(text);
    let marks: Vec<(usize, (usize, usize))> =
        ann.mentions.iter().map(|m| (m.range.start as usize, (m.surface.end as usize, m.range.end as usize))).collect();
    let (s, e) = w.goals[i].plain;
    // The first byte whose plain offset is s (after any `[` of a mention starting there: the
    // selection holds mentions inside it whole), the last whose plain offset is e.
    let at = |p: usize, start: bool| {
        let mut b = 0;
        while b < text.len() {
            if text.is_char_boundary(b) && plain_offset(&marks, b) == p {
                if start {
                    return b;
                }
                // The end: past the markup of mentions ending there.
                let mut end = b;
                while let Some(&(_, (_, me))) = marks.iter().find(|(_, (ms, _))| *ms == end) {
                    end = me;
                }
                return end;
            }
            b += 1;
        }
        text.len()
    };
    TextRange::new(at(s, true) as u32, at(e, false) as u32)
}

/// A wrap typed, then the tag: a `type:id` item, or the type (and mode, and id) chosen or
/// typed; then each argument: an item giving several, one, or its role then each value.
fn by_hand(w: &mut Work, i: usize, text: &str, counts: &mut Counts) {
    counts.typed += 1;
    let sel = surface_in(w, i, text);
    let goal = w.goals[i].tag.clone();
    let file = w.corpus.file_id(&w.path).unwrap();
    let at = |w: &mut Work, so_far: &str| -> Vec<String> {
        let t = format!(
            "{}[{}]{{{so_far}}}{}",
            &text[..sel.start as usize],
            &text[sel.to_usize()],
            &text[sel.end as usize..]
        );
        w.set(&t);
        let cursor = sel.end as usize + 3 + so_far.len();
        completions(&w.corpus, file, &t, cursor as u32, false)
            .map(|c| c.items.into_iter().map(|i| i.insert).collect())
            .unwrap_or_default()
    };
    let want = Tag { args: Vec::new(), ..goal.clone() };
    let head = w.mapped(&want);
    let items = at(w, "");
    let pair_known = goal.id.as_ref().is_some_and(|id| w.ids.contains_key(id) || w.registered.contains(id));
    if pair_known && items.contains(&head) {
        counts.completions += 1;
    } else {
        // The type, the mode, the id: chosen or typed, a gesture each.
        counts.completions += 1;
        if goal.mode.is_some() {
            counts.completions += 1;
        }
        if let Some(id) = &goal.id {
            let known = w.ids.contains_key(id) || w.registered.contains(id) || used_elsewhere(w, id);
            if known {
                counts.completions += 1;
            } else {
                // Typed, and added to the registry when it is an entity.
                counts.typed += 1;
                if goal.args.is_empty() {
                    counts.actions += 1;
                    w.registered.push(id.clone());
                    let columns = w.registry.lines().next().map_or(3, |h| h.split('\t').count());
                    let mut row = vec![id.clone(), goal.ty.clone(), text[sel.to_usize()].to_string()];
                    row.resize(columns, String::new());
                    w.registry.push_str(&format!("{}\n", row.join("\t")));
                    w.corpus.set_text(&w.registry_path, w.registry.as_bytes());
                }
            }
        }
    }
    let mut so_far = format!("{head} ");
    let mut left: Vec<String> = goal
        .args
        .iter()
        .map(|(r, v)| format!("{r}={}", v.iter().map(|x| w.id(x)).collect::<Vec<_>>().join(",")))
        .collect();
    while !left.is_empty() {
        let items = at(w, &so_far);
        // The item giving the most arguments still to write, each whole.
        let best = items
            .iter()
            .filter(|it| it.contains('=') && it.split(' ').all(|a| left.contains(&a.to_string())))
            .max_by_key(|it| it.split(' ').count());
        match best {
            Some(it) => {
                counts.completions += 1;
                for a in it.split(' ') {
                    left.retain(|l| l != a);
                }
                so_far = format!("{so_far}{it} ");
            }
            None => {
                let arg = left.remove(0);
                let (role, values) = arg.split_once('=').unwrap();
                counts.completions += 1;
                let mut typed = format!("{so_far}{role}=");
                for (k, v) in values.split(',').enumerate() {
                    if k > 0 {
                        typed.push(',');
                    }
                    let items = at(w, &typed);
                    if items.iter().any(|it| it == v) {
                        counts.completions += 1;
                    } else {
                        counts.typed += 1;
                    }
                    typed.push_str(v);
                }
                so_far = format!("{typed} ");
            }
        }
    }
    w.done[i] = true;
}

/// Whether an id is tagged somewhere in the corpus already (an event id completion offers).
fn used_elsewhere(w: &Work, id: &str) -> bool {
    w.corpus.sym(id).is_some_and(|s| !w.corpus.occurrences(s).is_empty())
}
