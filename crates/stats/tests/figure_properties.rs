//! Invariants of the learning-outcome figures and the distributions, over
//! generated data: what must hold whatever the scores are.

use proptest::prelude::*;
use stats::distributions::{normal_sf, student_t_cdf, student_t_quantile};
use stats::{
    Attendance, MinimumN, PValueMethod, ScorePair, class_average_gain, mean_difference,
    normalised_gain, retention, signed_rank_test,
};

/// Scores of a test with `items` questions: ties and unchanged pairs are
/// common, as in real trainings.
fn item_scores() -> impl Strategy<Value = Vec<ScorePair>> {
    (1_u32..=15).prop_flat_map(|items| {
        prop::collection::vec((0..=items, 0..=items), 0..70).prop_map(move |points| {
            points
                .into_iter()
                .map(|(pre, post)| {
                    let score = |p: u32| {
                        stats::Score::from_points(f64::from(p), f64::from(items))
                            .expect("points within the test")
                    };
                    ScorePair {
                        pre: score(pre),
                        post: score(post),
                    }
                })
                .collect()
        })
    })
}

/// Scores with any value from 0 to 100: ties are rare.
fn continuous_scores() -> impl Strategy<Value = Vec<ScorePair>> {
    prop::collection::vec((0.0..=100.0_f64, 0.0..=100.0_f64), 0..70).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(pre, post)| ScorePair::new(pre, post).expect("within 0..=100"))
            .collect()
    })
}

fn any_scores() -> impl Strategy<Value = Vec<ScorePair>> {
    prop_oneof![item_scores(), continuous_scores()]
}

fn swapped(pairs: &[ScorePair]) -> Vec<ScorePair> {
    pairs.iter().map(|pair| pair.swapped()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn swapping_pre_and_post_keeps_the_test_and_negates_the_effect(pairs in any_scores()) {
        let forward = signed_rank_test(&pairs);
        let backward = signed_rank_test(&swapped(&pairs));
        prop_assert_eq!(forward.is_some(), backward.is_some());
        if let (Some(forward), Some(backward)) = (forward, backward) {
            prop_assert_eq!(forward.statistic, backward.statistic);
            prop_assert_eq!(forward.p_value, backward.p_value);
            prop_assert_eq!(forward.method, backward.method);
            prop_assert_eq!(forward.rank_biserial, -backward.rank_biserial);
            prop_assert_eq!(forward.rank_sum_improved, backward.rank_sum_declined);
        }
    }

    #[test]
    fn the_test_stays_within_its_ranges(pairs in any_scores()) {
        if let Some(test) = signed_rank_test(&pairs) {
            let n = test.ranked() as f64;
            prop_assert!((0.0..=1.0).contains(&test.p_value), "p = {}", test.p_value);
            prop_assert!(test.statistic >= 0.0 && test.statistic <= n * (n + 1.0) / 4.0);
            prop_assert!((-1.0..=1.0).contains(&test.rank_biserial));
            prop_assert_eq!(test.rank_sum_improved + test.rank_sum_declined, n * (n + 1.0) / 2.0);
            if let PValueMethod::NormalApproximation { z } = test.method {
                prop_assert!(z <= 0.0);
            }
        }
    }

    #[test]
    fn the_order_of_participants_does_not_change_the_test(
        (pairs, shuffled) in any_scores().prop_flat_map(|pairs| {
            let shuffled = Just(pairs.clone()).prop_shuffle();
            (Just(pairs), shuffled)
        })
    ) {
        prop_assert_eq!(signed_rank_test(&pairs), signed_rank_test(&shuffled));
    }

    #[test]
    fn when_everyone_who_changed_improved_the_correlation_is_one_and_the_statistic_zero(
        pairs in any_scores(),
    ) {
        let improved: Vec<ScorePair> = pairs
            .iter()
            .map(|pair| if pair.difference() < 0.0 { pair.swapped() } else { *pair })
            .collect();
        if let Some(test) = signed_rank_test(&improved) {
            prop_assert_eq!(test.rank_biserial, 1.0);
            prop_assert_eq!(test.statistic, 0.0);
            prop_assert_eq!(test.rank_sum_declined, 0.0);
        }
    }

    #[test]
    fn an_exact_p_value_is_never_below_the_most_extreme_pattern(pairs in continuous_scores()) {
        if let Some(test) = signed_rank_test(&pairs)
            && test.method == PValueMethod::Exact
        {
            let smallest = (2.0 / 2f64.powi(test.ranked() as i32)).min(1.0);
            prop_assert!(test.p_value >= smallest);
        }
    }

    #[test]
    fn the_interval_contains_the_mean_and_mirrors_when_pre_and_post_swap(pairs in any_scores()) {
        let forward = mean_difference(&pairs);
        let backward = mean_difference(&swapped(&pairs));
        prop_assert_eq!(forward.is_some(), pairs.len() >= 2);
        if let (Some(forward), Some(backward)) = (forward, backward) {
            prop_assert!(forward.lower <= forward.mean && forward.mean <= forward.upper);
            prop_assert_eq!(forward.mean, -backward.mean);
            prop_assert_eq!(forward.lower, -backward.upper);
            prop_assert_eq!(forward.standard_deviation, backward.standard_deviation);
        }
    }

    #[test]
    fn no_gain_exceeds_one(pairs in any_scores()) {
        if let Some(gain) = class_average_gain(&pairs) {
            prop_assert!(gain <= 1.0 + 1e-12, "class gain {}", gain);
        }
        let gain = normalised_gain(&pairs, &MinimumN::STANDARD);
        if let Some(mean) = gain.mean_of_individual.value() {
            prop_assert!(*mean <= 1.0 + 1e-12, "mean individual gain {}", mean);
        }
        let perfect = pairs.iter().filter(|pair| pair.pre.is_perfect()).count();
        prop_assert_eq!(gain.perfect_pre_excluded, perfect);
    }

    #[test]
    fn the_t_quantile_inverts_the_t_cdf(
        p in 1e-9_f64..(1.0 - 1e-9),
        log_df in (-0.5_f64)..6.0,
    ) {
        let df = 10f64.powf(log_df);
        let t = student_t_quantile(p, df).expect("p in (0, 1), df > 0");
        let back = student_t_cdf(t, df).expect("valid");
        prop_assert!((back - p).abs() <= 1e-12 * p.min(1.0 - p).max(1e-3), "p={} df={} t={} cdf={}", p, df, t, back);
        let mirrored = student_t_quantile(1.0 - p, df).expect("valid");
        prop_assert!((t + mirrored).abs() <= 1e-9 * t.abs().max(1.0));
    }

    #[test]
    fn normal_tails_add_up_to_one_and_never_rise_as_z_grows(z in -30.0_f64..30.0, step in 0.001_f64..3.0) {
        prop_assert!((normal_sf(z) + normal_sf(-z) - 1.0).abs() < 1e-15);
        prop_assert!(normal_sf(z + step) <= normal_sf(z));
    }

    #[test]
    fn attendance_figures_never_count_more_people_than_registered(
        days in 1_usize..=5,
        present in prop::collection::vec(prop::collection::vec(any::<bool>(), 5), 0..40),
    ) {
        let mut attendance = Attendance::new(days).expect("1 to 5 days");
        for flags in &present {
            let days_present: Vec<usize> =
                (1..=days).filter(|&day| flags[day - 1]).collect();
            attendance.register(&days_present).expect("days within the event");
        }
        let retention = retention(&attendance, &MinimumN::STANDARD);
        let fewest_present = retention.days.iter().map(|day| day.present).min().unwrap_or(0);
        prop_assert_eq!(retention.registered, present.len());
        if let Some(every_day) = retention.present_every_day.value() {
            prop_assert!(every_day.count <= fewest_present);
            prop_assert_eq!(every_day.of, present.len());
        }
        for pair in retention.days.windows(2) {
            prop_assert!(pair[1].left_since_previous_day <= pair[0].present);
        }
    }
}
