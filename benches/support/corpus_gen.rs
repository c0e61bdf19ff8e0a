//! A deterministic generator of realistic seed corpora for benchmarks and scale tests.
//!
//! French news prose (accents, ’, «», the odd emoji), one article per file of about 3 KB, valid
//! headers with a few malformed ones, entity and event mentions at the density of the shipped
//! seeds, and a registry whose ids are used following a Zipf law (some ids get 10,000+ uses at
//! 100,000 files). The same `seed` gives the same corpus byte for byte.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// splitmix64: tiny, fast, and stable across versions (a benchmark corpus must not change
/// when a dependency does).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

#[derive(Clone)]
pub struct Entity {
    pub id: String,
    pub ty: &'static str,
    pub name: String,
    pub alias: Option<String>,
}

const FIRST: &[&str] = &[
    "Kassym",
    "Aïgerim",
    "Nurlan",
    "Dinara",
    "Érik",
    "Saule",
    "Timur",
    "Zhanna",
    "Askar",
    "Gulnara",
    "Jean",
    "Hélène",
    "François",
    "Chloé",
    "Mehmet",
    "Ayşe",
    "Dmitri",
    "Olga",
    "Sergueï",
    "Natalia",
];
const LAST: &[&str] = &[
    "Tokaïev",
    "Nazarbaïev",
    "Massimov",
    "Smaïlov",
    "Äbdirov",
    "Kenjebaïev",
    "Dupré",
    "Lefèvre",
    "Peskov",
    "Lavrov",
    "Çelik",
    "Yılmaz",
    "Orlov",
    "Volkov",
    "Béranger",
    "Moreau",
];
const PLACES: &[&str] = &[
    "Almaty",
    "Noursoultan",
    "Chymkent",
    "Taraz",
    "Janaozen",
    "Aktau",
    "Karaganda",
    "Pavlodar",
    "Semeï",
    "Oural",
    "Kyzylorda",
    "Atyraou",
    "Petropavl",
    "Kostanaï",
    "Aktioubé",
    "Turkestan",
    "Ekibastouz",
    "Temirtaou",
    "Bichkek",
    "Tachkent",
];
const COUNTRIES: &[(&str, &str)] = &[
    ("kz", "Kazakhstan"),
    ("ru", "Russie"),
    ("tr", "Turquie"),
    ("cn", "Chine"),
    ("fr", "France"),
    ("uz", "Ouzbékistan"),
    ("kg", "Kirghizistan"),
    ("us", "États-Unis"),
];
const MINISTRIES: &[&str] = &[
    "ministère de l’Intérieur",
    "ministère des Affaires étrangères",
    "ministère de la Défense",
    "ministère de l’Énergie",
    "ministère de la Santé",
    "ministère de la Justice",
];
const GROUPS: &[&str] = &[
    "manifestants",
    "forces de l’ordre",
    "grévistes",
    "habitants",
    "journalistes",
    "militants",
    "étudiants",
    "mineurs",
];
const ORGS: &[&str] = &["Interfax", "NetBlocks", "Sputnik", "Reuters", "Amnesty", "Kazmunaigaz", "Tengizchevroil"];

/// `m` entities: persons, places, governments, groups and organisations, in that rotation,
/// with unique ids.
pub fn entities(m: usize, rng: &mut Rng) -> Vec<Entity> {
    let mut out = Vec::with_capacity(m);
    for i in 0..m {
        let (cc, country) = COUNTRIES[i % COUNTRIES.len()];
        let e = match i % 5 {
            0 => {
                let (f, l) = (rng.pick(FIRST), rng.pick(LAST));
                Entity {
                    id: format!("{cc}.{}-{i}", ascii(l)),
                    ty: "person",
                    name: format!("{f} {l}"),
                    alias: Some(l.to_string()),
                }
            }
            1 => {
                let p = rng.pick(PLACES);
                Entity {
                    id: format!("{cc}.{}-{i}", ascii(p)),
                    ty: "place",
                    name: format!("{p} {}", i / 5),
                    alias: None,
                }
            }
            2 => {
                let min = rng.pick(MINISTRIES);
                Entity {
                    id: format!("{cc}.gov-{i}"),
                    ty: "gov",
                    name: format!("{min} ({country}) {}", i / 5),
                    alias: None,
                }
            }
            3 => {
                let g = rng.pick(GROUPS);
                Entity { id: format!("{cc}.group-{i}"), ty: "group", name: format!("{g} {}", i / 5), alias: None }
            }
            _ => {
                let o = rng.pick(ORGS);
                Entity { id: format!("org.{}-{i}", ascii(o)), ty: "org", name: format!("{o} {}", i / 5), alias: None }
            }
        };
        out.push(e);
    }
    out
}

fn ascii(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'a'..='z' | 'A'..='Z' => Some(c.to_ascii_lowercase()),
            'é' | 'è' | 'ê' | 'É' => Some('e'),
            'ï' | 'ı' => Some('i'),
            'ä' | 'Ä' => Some('a'),
            'ç' | 'Ç' => Some('c'),
            'ş' => Some('s'),
            _ => None,
        })
        .collect()
}

/// Samples ranks 0..n with P(r) ∝ 1 / (r + 1)^s, by inverting the cumulative weights.
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / ((r + 1) as f64).powf(s);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap();
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.cumulative.partition_point(|&c| c < x).min(self.cumulative.len() - 1)
    }
}

const OPENERS: &[&str] = &[
    "Selon les autorités,",
    "D’après l’agence,",
    "Dans la nuit de mardi à mercredi,",
    "Mercredi matin,",
    "Au lendemain des troubles,",
    "Dans un communiqué publié en début d’après-midi,",
    "Comme l’a rapporté la presse locale,",
    "Toujours selon les témoins,",
];
const VERBS: &[&str] = &[
    "a déclaré suivre de près la situation à",
    "a appelé au calme dans la région de",
    "a dénoncé «des provocations» à",
    "s’est rendu à",
    "a annoncé des mesures exceptionnelles pour",
    "a évoqué «une situation sous contrôle» à",
    "a promis une réponse «ferme» aux troubles de",
];
const FILLERS: &[&str] = &[
    "La situation reste tendue et plusieurs véhicules ont été incendiés dans les rues du centre.",
    "Des carcasses de voitures calcinées jonchent encore les chaussées, comme le montrent des vidéos.",
    "Les prix du gaz de pétrole liquéfié ont doublé depuis le début de l’année, selon les économistes.",
    "«Nous sommes convaincus que la situation se normalisera prochainement», a-t-il ajouté.",
    "Les communications ont été coupées pendant plusieurs heures 📵, avant d’être rétablies.",
    "Aucune victime n’a été signalée parmi les ressortissants étrangers, a précisé le consulat.",
    "L’accès à internet a été fortement perturbé dans l’ensemble du pays 🌐 durant la soirée.",
    "Les habitants interrogés décrivent une nuit «chaotique» et des rues désertes au petit matin.",
];
/// (event type, mode or "", surface).
const EVENTS: &[(&str, &str, &str)] = &[
    ("protest", "demo", "des manifestations ont éclaté"),
    ("protest", "riot", "des émeutes ont secoué la ville"),
    ("coerce", "curfew", "un couvre-feu a été instauré"),
    ("coerce", "martial-law", "l’état d’urgence a été décrété"),
    ("coerce", "arrest", "des dizaines de personnes ont été interpellées"),
    ("assault", "destroy", "des bâtiments officiels ont été incendiés"),
    ("consult", "phone", "un entretien téléphonique a eu lieu"),
    ("concede", "", "le gouvernement a été limogé"),
    ("threaten", "", "une réponse «ferme» a été promise"),
    ("support", "", "un soutien a été exprimé"),
];

/// One article: header, title, paragraphs, about `target` bytes.
fn article(i: usize, ents: &[Entity], zipf: &Zipf, rng: &mut Rng, target: usize) -> String {
    let mut s = String::with_capacity(target + 512);
    let (year, month, day) = (2020 + (i % 5), 1 + (i / 7) % 12, 1 + (i / 3) % 28);
    match rng.below(200) {
        // A few malformed or legacy headers, as scraped corpora have.
        0 => {
            let _ = writeln!(
                s,
                " date {year}/{month} https://www.example-news.kz/{year}/{month:02}/{day:02}/article-{i}.html"
            );
        }
        1 => {
            let _ = writeln!(s, " date {year}-{month:02} Le texte commence ici sans adresse.");
        }
        2 => {
            let _ = writeln!(s, " date {year}-{month:02}-{day:02} htps://www.example-news.kz/article-{i}.html");
        }
        _ => {
            let _ = writeln!(
                s,
                " date {year}-{month:02}-{day:02} https://www.example-news.kz/{year}/{month:02}/{day:02}/article-{i}.html"
            );
        }
    }
    let pick = |rng: &mut Rng| &ents[zipf.sample(rng)];
    let place = |rng: &mut Rng| loop {
        let e = pick(rng);
        if e.ty == "place" {
            return e.clone();
        }
    };
    let actor = |rng: &mut Rng| loop {
        let e = pick(rng);
        if e.ty != "place" {
            return e.clone();
        }
    };
    let tag = |e: &Entity, surface: &str| format!("[{surface}]{{{}:{}}}", e.ty, e.id);
    let surface = |e: &Entity, rng: &mut Rng| match (&e.alias, rng.chance(40)) {
        (Some(a), true) => a.clone(),
        _ => e.name.clone(),
    };
    let title_place = place(rng);
    let _ = writeln!(s, "\nCrise à {} : la situation reste confuse\n", tag(&title_place, &title_place.name));
    while s.len() < target {
        let a = actor(rng);
        let p = place(rng);
        let a_surface = surface(&a, rng);
        let _ = write!(s, "{} {} {} {}. ", rng.pick(OPENERS), tag(&a, &a_surface), rng.pick(VERBS), tag(&p, &p.name));
        if rng.chance(35) {
            let (ty, mode, text) = rng.pick(EVENTS);
            let who = actor(rng);
            let mode = if mode.is_empty() { String::new() } else { format!(".{mode}") };
            let recipient = if rng.chance(30) { format!(" recipient={}", actor(rng).id) } else { String::new() };
            let _ = write!(
                s,
                "Le même jour, [{text} à {}]{{{ty}{mode} actor={}{recipient} where={} when={year}-{month:02}-{day:02}}}. ",
                tag(&p, &p.name),
                who.id,
                p.id
            );
        }
        let _ = write!(s, "{}", rng.pick(FILLERS));
        // Scrapers glue sentences: about one paragraph in ten.
        if rng.chance(10) {
            s.push_str("Plusieurs témoins l’ont confirmé.");
        }
        s.push_str("\n\n");
    }
    s
}

pub struct Generated {
    pub files: usize,
    pub bytes: u64,
    pub mentions: usize,
    /// The id with a number of uses closest to 10,000, and that number.
    pub id_near_10k: Option<(String, usize)>,
}

/// Writes `n` seed files (in folders of 1,000) and `entities.tsv` with `m` rows under `dir`.
pub fn generate(dir: &Path, n: usize, m: usize, seed: u64) -> io::Result<Generated> {
    let mut rng = Rng::new(seed);
    let ents = entities(m.max(10), &mut rng);
    let zipf = Zipf::new(ents.len(), 1.0);
    std::fs::create_dir_all(dir)?;
    let mut registry = String::from("id\ttype\tname\taliases\tdescription\n");
    for e in &ents {
        let _ = writeln!(
            registry,
            "{}\t{}\t{}\t{}\tGenerated {} for benchmarks.",
            e.id,
            e.ty,
            e.name,
            e.alias.as_deref().unwrap_or(""),
            e.ty
        );
    }
    std::fs::write(dir.join("entities.tsv"), &registry)?;
    let mut uses = vec![0usize; ents.len()];
    let index: std::collections::HashMap<&str, usize> =
        ents.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let (mut bytes, mut mentions) = (registry.len() as u64, 0);
    for i in 0..n {
        let folder = dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let text = article(i, &ents, &zipf, &mut rng, 2900);
        // Count uses from the text itself: tags and role values.
        for part in text.split([':', '=', ',', '}', ' ']) {
            if let Some(&k) = index.get(part) {
                uses[k] += 1;
            }
        }
        mentions += text.matches("]{").count();
        bytes += text.len() as u64;
        std::fs::write(folder.join(format!("{i:06}_{:016x}.txt", rng.next_u64())), text)?;
    }
    let id_near_10k =
        uses.iter().enumerate().min_by_key(|(_, u)| u.abs_diff(10_000)).map(|(k, u)| (ents[k].id.clone(), *u));
    Ok(Generated { files: n, bytes, mentions, id_near_10k })
}
