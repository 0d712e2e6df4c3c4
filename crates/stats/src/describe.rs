//! Plain descriptive statistics over numbers already known to be finite.

/// Arithmetic mean; `None` for no values.
pub(crate) fn mean(values: impl ExactSizeIterator<Item = f64>) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    Some(values.sum::<f64>() / n as f64)
}

/// Median (the mean of the two middle values for an even count); `None` for
/// no values. Sorts `values` in place.
pub(crate) fn median_in_place(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        Some(values[middle])
    } else {
        Some(0.5 * (values[middle - 1] + values[middle]))
    }
}

/// Sample standard deviation (divisor n - 1) around a known mean, in two
/// passes for accuracy; `None` for fewer than two values.
pub(crate) fn sample_standard_deviation(
    values: impl ExactSizeIterator<Item = f64>,
    mean: f64,
) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let squares: f64 = values.map(|x| (x - mean) * (x - mean)).sum();
    Some((squares / (n - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median_in_place(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median_in_place(&mut []), None);
    }

    #[test]
    fn the_standard_deviation_needs_two_values() {
        assert_eq!(sample_standard_deviation([1.0].into_iter(), 1.0), None);
        assert_eq!(
            sample_standard_deviation([1.0, 3.0].into_iter(), 2.0),
            Some(f64::sqrt(2.0))
        );
    }
}
