//! Fictional submissions of the CLM fixture form, written as Collect would send them.

use std::fmt::Write;

/// Values for one generated submission.
#[derive(Debug, Clone)]
pub struct Generated {
    pub instance_id: String,
    pub facility: String,
    pub location: String,
    pub services: Vec<&'static str>,
    pub wait_minutes: Option<u32>,
    pub stigma_note: String,
    pub interviews: Vec<(u32, String, Vec<&'static str>)>,
    pub comments: String,
}

pub const SERVICES: [&str; 5] = ["test", "art", "prep", "ost", "condoms"];
pub const BARRIERS: [&str; 5] = ["cost", "distance", "hours", "stigma", "documents"];

/// XML text escaping that also keeps CR (XML parsers turn a raw CR into LF).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

impl Generated {
    /// The n-th of a deterministic series: varied values, repeats of 0 to 3 instances.
    pub fn nth(n: u64) -> Generated {
        let pick =
            |k: u64, m: u64| (n.wrapping_mul(2_654_435_761).wrapping_add(k * 40_503) >> 7) % m;
        let services = SERVICES
            .iter()
            .enumerate()
            .filter(|(i, _)| pick(*i as u64, 3) != 0)
            .map(|(_, s)| *s)
            .collect();
        let interviews = (0..pick(11, 4))
            .map(|i| {
                let barriers = BARRIERS
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| pick(20 + i * 5 + *b as u64, 4) == 0)
                    .map(|(_, s)| *s)
                    .collect();
                (
                    18 + pick(30 + i, 50) as u32,
                    format!("Відповідь {n}-{i}, \"цитата\" без імен"),
                    barriers,
                )
            })
            .collect();
        Generated {
            instance_id: format!("uuid:00000000-0000-4000-8000-{n:012}"),
            facility: format!("Facility {}, room {}", pick(1, 400), pick(2, 30)),
            location: format!(
                "{:.5} {:.5} 150.0 5.0",
                46.0 + pick(3, 600) as f64 / 100.0,
                23.0 + pick(4, 1600) as f64 / 100.0
            ),
            services,
            wait_minutes: (pick(5, 7) != 0).then(|| pick(6, 240) as u32),
            stigma_note: if pick(7, 5) == 0 {
                "Staff refused service\nand shouted".to_string()
            } else {
                String::new()
            },
            interviews,
            comments: "x".repeat(pick(8, 200) as usize),
        }
    }

    /// The submission XML (about 1.5 KB, a typical CLM visit).
    pub fn xml(&self) -> String {
        let mut x = String::with_capacity(2048);
        x.push_str(r#"<?xml version='1.0' ?><data id="clm_hiv_services" version="2026113001" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">"#);
        x.push_str("<start>2026-11-02T09:15:00.000+02:00</start><end>2026-11-02T09:58:41.000+02:00</end><deviceid>collect:Xb7Kq2LmP9</deviceid>");
        write!(
            x,
            "<visit><visit_date>2026-11-02</visit_date><oblast>UA-63</oblast><facility>{}</facility><location>{}</location></visit>",
            escape(&self.facility),
            self.location
        )
        .unwrap();
        write!(
            x,
            "<access><services>{}</services>",
            self.services.join(" ")
        )
        .unwrap();
        if let Some(w) = self.wait_minutes {
            write!(x, "<wait_minutes>{w}</wait_minutes>").unwrap();
        }
        write!(
            x,
            "<cost_uah>0</cost_uah><stigma>no</stigma><stigma_note>{}</stigma_note></access><n_interviews>{}</n_interviews>",
            escape(&self.stigma_note),
            self.interviews.len()
        )
        .unwrap();
        for (age, quote, barriers) in &self.interviews {
            write!(
                x,
                "<interview><age>{age}</age><satisfaction>4</satisfaction><barriers>{}</barriers><quote>{}</quote></interview>",
                barriers.join(" "),
                escape(quote)
            )
            .unwrap();
        }
        write!(
            x,
            "<photo>1762070112345.jpg</photo><comments>{}</comments><meta><instanceID>{}</instanceID><instanceName>UA-63-2026-11-02</instanceName></meta></data>",
            escape(&self.comments),
            self.instance_id
        )
        .unwrap();
        x
    }
}
