//! Every figure of 10,000 events with 30 participants each, timed as the
//! median of repeated runs. Run with `cargo bench -p kolo-stats`.
//!
//! Data are generated (a fixed seed, so every run times the same work):
//! 12-item pre- and post-tests, 2 or 3 days of attendance, four Likert items
//! and the recommendation question, and a follow-up answered by about two
//! thirds. "All figures" per event: learning outcomes (averages, interval,
//! gains, signed-rank test), retention, satisfaction, follow-up, and the
//! suppression of the answer distributions a viewer's export would print.

use std::hint::black_box;
use std::time::{Duration, Instant};

use stats::suppression::{SuppressionRule, suppress_list, suppress_table};
use stats::{
    Attendance, Likert, MinimumN, Recommendation, Score, ScorePair, follow_up, learning_outcomes,
    likert_summary, recommendation_summary, retention,
};

const EVENTS: usize = 10_000;
const PARTICIPANTS: usize = 30;
const RUNS: usize = 15;

fn main() {
    let mut random = SplitMix64(0x6b6f_6c6f);
    let tied: Vec<Event> = (0..EVENTS)
        .map(|_| Event::generate(&mut random, TestScores::TwelveItems))
        .collect();
    let untied: Vec<Event> = (0..EVENTS)
        .map(|_| Event::generate(&mut random, TestScores::Continuous))
        .collect();
    let everyone: Vec<ScorePair> = tied.iter().flat_map(|event| event.pairs.clone()).collect();
    let by_format_and_oblast = format_by_oblast_counts(&mut random);

    println!(
        "kolo-stats benchmark: median of {RUNS} runs (after one warm-up run), min and max in brackets"
    );
    report(
        "all figures, 10,000 events x 30 participants, 12-item tests (ties: normal approximation)",
        || all_figures(&tied),
    );
    report(
        "all figures, 10,000 events x 30 participants, continuous scores (exact distribution)",
        || all_figures(&untied),
    );
    report(
        "learning outcomes only, 10,000 events x 30 participants, 12-item tests",
        || {
            for event in &tied {
                black_box(learning_outcomes(&event.pairs, &MinimumN::STANDARD));
            }
        },
    );
    report(
        "learning outcomes of all 300,000 pairs as one group",
        || {
            black_box(learning_outcomes(black_box(&everyone), &MinimumN::STANDARD));
        },
    );
    report(
        "suppression of a 3 formats x 25 oblasts table of event counts",
        || {
            black_box(suppress_table(
                black_box(&by_format_and_oblast),
                SuppressionRule::DEFAULT,
            ))
            .ok();
        },
    );
}

fn all_figures(events: &[Event]) {
    let minimum = MinimumN::STANDARD;
    let rule = SuppressionRule::DEFAULT;
    for event in events {
        black_box(learning_outcomes(&event.pairs, &minimum));
        black_box(retention(&event.attendance, &minimum));
        for item in &event.likert_items {
            let summary = likert_summary(item, &minimum);
            black_box(suppress_list(&summary.distribution, rule).ok());
        }
        let recommendation = recommendation_summary(&event.recommendations, &minimum);
        black_box(suppress_list(&recommendation.distribution, rule).ok());
        black_box(follow_up(PARTICIPANTS, &event.used_what_they_learned, &minimum).ok());
    }
}

fn report(what: &str, mut work: impl FnMut()) {
    work();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{what}: {:.2} ms [{:.2} .. {:.2}]",
        millis(times[RUNS / 2]),
        millis(times[0]),
        millis(times[RUNS - 1])
    );
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

enum TestScores {
    TwelveItems,
    Continuous,
}

struct Event {
    pairs: Vec<ScorePair>,
    attendance: Attendance,
    likert_items: Vec<Vec<Likert>>,
    recommendations: Vec<Recommendation>,
    used_what_they_learned: Vec<bool>,
}

impl Event {
    fn generate(random: &mut SplitMix64, scores: TestScores) -> Self {
        let ability = 0.3 + 0.3 * random.unit();
        let learning = 0.1 + 0.2 * random.unit();
        let pairs = (0..PARTICIPANTS)
            .map(|_| match scores {
                TestScores::TwelveItems => {
                    let pre = random.binomial(12, ability);
                    let post = random.binomial(12, (ability + learning).min(1.0));
                    ScorePair {
                        pre: Score::from_points(pre, 12.0).expect("points within the test"),
                        post: Score::from_points(post, 12.0).expect("points within the test"),
                    }
                }
                TestScores::Continuous => {
                    let pre = 100.0 * ability * (0.5 + random.unit());
                    let post =
                        (pre + 100.0 * learning * (2.0 * random.unit() - 0.3)).clamp(0.0, 100.0);
                    ScorePair::new(pre.min(100.0), post).expect("clamped to 0..=100")
                }
            })
            .collect();

        let days = if random.unit() < 0.5 { 2 } else { 3 };
        let mut attendance = Attendance::new(days).expect("2 or 3 days");
        for _ in 0..PARTICIPANTS {
            let present: Vec<usize> = (1..=days).filter(|_| random.unit() < 0.9).collect();
            attendance
                .register(&present)
                .expect("days within the event");
        }

        let likert_items = (0..4)
            .map(|_| {
                (0..PARTICIPANTS)
                    .map(|_| Likert::new(3 + random.below(3) as u8).expect("3 to 5"))
                    .collect()
            })
            .collect();
        let recommendations = (0..PARTICIPANTS)
            .map(|_| Recommendation::new(5 + random.below(6) as u8).expect("5 to 10"))
            .collect();
        let mut used_what_they_learned = Vec::new();
        for _ in 0..PARTICIPANTS {
            if random.unit() < 0.65 {
                used_what_they_learned.push(random.unit() < 0.7);
            }
        }
        Self {
            pairs,
            attendance,
            likert_items,
            recommendations,
            used_what_they_learned,
        }
    }
}

fn format_by_oblast_counts(random: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..3)
        .map(|_| (0..25).map(|_| random.below(12) as usize).collect())
        .collect()
}

/// SplitMix64: a tiny generator with good statistical quality, enough for
/// benchmark data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn binomial(&mut self, trials: u32, probability: f64) -> f64 {
        f64::from((0..trials).filter(|_| self.unit() < probability).count() as u32)
    }
}
