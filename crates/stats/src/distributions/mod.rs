//! The two continuous distributions the figures need: the standard normal
//! (for the signed-rank test's normal approximation) and Student's t (for the
//! confidence interval of a mean difference).
//!
//! Written here rather than taken from a statistics crate so that their
//! accuracy is ours to prove: the reference tests compare them with SciPy to
//! 1e-9 (relative) over a wide grid of arguments.

mod special;

use special::{incomplete_beta, incomplete_gamma, ln_beta};

/// P(Z > z) for a standard normal Z. Accurate in the far tails too
/// (`normal_sf(20.0)` is about 2.8e-89, not 0). `NaN` for a `NaN` argument.
pub fn normal_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    // P(|Z| > |z|) = Q(1/2, z²/2), the regularized upper incomplete gamma.
    let (lower, upper) = incomplete_gamma(0.5, 0.5 * z * z);
    if z >= 0.0 {
        0.5 * upper
    } else {
        0.5 + 0.5 * lower
    }
}

/// P(T <= t) for Student's t distribution with `degrees_of_freedom` (any
/// positive real). `None` when the degrees of freedom are not positive and
/// finite or `t` is `NaN`.
pub fn student_t_cdf(t: f64, degrees_of_freedom: f64) -> Option<f64> {
    student_t_sf(-t, degrees_of_freedom)
}

/// P(T > t) for Student's t distribution; see [`student_t_cdf`].
pub fn student_t_sf(t: f64, degrees_of_freedom: f64) -> Option<f64> {
    if !valid_degrees_of_freedom(degrees_of_freedom) || t.is_nan() {
        return None;
    }
    Some(StudentT::new(degrees_of_freedom).sf(t))
}

/// The quantile of Student's t distribution: the `t` with P(T <= t) = `p`.
///
/// `None` when `p` is not strictly between 0 and 1 or the degrees of freedom
/// are not positive and finite. Agrees with `scipy.stats.t.ppf` to 1e-9
/// relative (see the reference tests), for p as small as 1e-12 and degrees
/// of freedom from 0.5 to 10⁶.
pub fn student_t_quantile(p: f64, degrees_of_freedom: f64) -> Option<f64> {
    let p_inside = p > 0.0 && p < 1.0;
    if !(valid_degrees_of_freedom(degrees_of_freedom) && p_inside) {
        return None;
    }
    let distribution = StudentT::new(degrees_of_freedom);
    if p > 0.5 {
        Some(distribution.upper_tail_point(1.0 - p))
    } else {
        Some(-distribution.upper_tail_point(p))
    }
}

fn valid_degrees_of_freedom(degrees_of_freedom: f64) -> bool {
    degrees_of_freedom > 0.0 && degrees_of_freedom.is_finite()
}

/// Student's t with its normalising constant computed once.
struct StudentT {
    degrees_of_freedom: f64,
    /// ln of the density's constant 1/(√ν B(ν/2, 1/2)).
    ln_density_constant: f64,
}

impl StudentT {
    fn new(degrees_of_freedom: f64) -> Self {
        let ln_density_constant =
            -ln_beta(0.5 * degrees_of_freedom, 0.5) - 0.5 * degrees_of_freedom.ln();
        Self {
            degrees_of_freedom,
            ln_density_constant,
        }
    }

    fn density(&self, t: f64) -> f64 {
        let nu = self.degrees_of_freedom;
        (self.ln_density_constant - 0.5 * (nu + 1.0) * (t * t / nu).ln_1p()).exp()
    }

    fn sf(&self, t: f64) -> f64 {
        let nu = self.degrees_of_freedom;
        // P(|T| > |t|) = I_x(ν/2, 1/2) with x = ν/(ν + t²); x and 1 - x are
        // both formed from r = t²/ν so neither loses precision.
        let r = t * t / nu;
        let (x, y) = if r.is_infinite() {
            (0.0, 1.0)
        } else {
            (1.0 / (1.0 + r), r / (1.0 + r))
        };
        let (both_tails, centre) = incomplete_beta(0.5 * nu, 0.5, x, y);
        if t >= 0.0 {
            0.5 * both_tails
        } else {
            0.5 + 0.5 * centre
        }
    }

    /// The `t >= 0` with P(T > t) = `tail`, for `tail` in (0, 1/2].
    ///
    /// Newton's method on P(T > t) - tail, kept inside a bracket that
    /// shrinks every step, with bisection when a step would leave it. The
    /// upper end starts at the root of the density's power-law tail, which
    /// lies beyond the true root because the true density is smaller.
    fn upper_tail_point(&self, tail: f64) -> f64 {
        if tail >= 0.5 {
            return 0.0;
        }
        let mut low = 0.0_f64;
        let mut high = self.power_law_tail_point(tail);
        if !high.is_finite() {
            high = f64::MAX;
        }
        // The normal tail's crude bound √(-2 ln tail) is a fair first guess
        // for many degrees of freedom; the power-law point for few.
        let mut t = high.min((-2.0 * tail.ln()).sqrt());
        for _ in 0..2_000 {
            let excess = self.sf(t) - tail;
            if excess == 0.0 {
                return t;
            }
            if excess > 0.0 {
                low = t;
            } else {
                high = t;
            }
            let newton = t + excess / self.density(t);
            let next = if newton > low && newton < high && newton.is_finite() {
                newton
            } else if low > 0.0 && high / low > 4.0 {
                // Heavy tails with few degrees of freedom span many orders
                // of magnitude: bisect on a log scale.
                (low.ln() + 0.5 * (high.ln() - low.ln())).exp()
            } else {
                low + 0.5 * (high - low)
            };
            if (next - t).abs() <= 4.0 * f64::EPSILON * t.abs() || high - low <= f64::EPSILON * high
            {
                return next;
            }
            t = next;
        }
        // Not reached for finite arguments: Newton converges in a handful
        // of steps near the root, and every step it is refused the bracket
        // is halved (on a log scale when wide), so double precision comes
        // long before the cap.
        t
    }

    /// Root of the power-law tail ν^(ν/2 - 1) / B(ν/2, 1/2) · t^-ν = tail.
    fn power_law_tail_point(&self, tail: f64) -> f64 {
        let nu = self.degrees_of_freedom;
        let ln_tail_constant = (0.5 * nu - 1.0) * nu.ln() - ln_beta(0.5 * nu, 0.5);
        ((ln_tail_constant - tail.ln()) / nu).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_t_quantile_with_one_degree_of_freedom_is_the_cauchy_quantile() {
        for p in [0.001_f64, 0.1, 0.3, 0.75, 0.975, 0.999_999] {
            // tan(π(p - ½)), written as a cotangent of the smaller tail so
            // that the expected value itself is accurate near p = 1.
            let tail = p.min(1.0 - p);
            let expected = (p - 0.5).signum() / (std::f64::consts::PI * tail).tan();
            let got = student_t_quantile(p, 1.0).expect("p and df are valid");
            assert!(
                (got - expected).abs() <= 1e-12 * expected.abs().max(1.0),
                "p={p}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn the_t_quantile_with_two_degrees_of_freedom_has_its_closed_form() {
        // t = (2p - 1) / sqrt(2 p (1 - p)).
        for p in [0.01_f64, 0.2, 0.5, 0.9, 0.975] {
            let expected = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            let got = student_t_quantile(p, 2.0).expect("p and df are valid");
            assert!((got - expected).abs() <= 1e-12 * expected.abs().max(1.0));
        }
    }

    #[test]
    fn the_t_quantile_refuses_probabilities_outside_zero_to_one_and_bad_degrees_of_freedom() {
        assert_eq!(student_t_quantile(0.0, 5.0), None);
        assert_eq!(student_t_quantile(1.0, 5.0), None);
        assert_eq!(student_t_quantile(f64::NAN, 5.0), None);
        assert_eq!(student_t_quantile(0.5, 0.0), None);
        assert_eq!(student_t_quantile(0.5, f64::INFINITY), None);
        assert_eq!(student_t_cdf(f64::NAN, 3.0), None);
    }

    #[test]
    fn the_t_cdf_at_infinity_is_zero_or_one() {
        assert_eq!(student_t_cdf(f64::INFINITY, 3.0), Some(1.0));
        assert_eq!(student_t_cdf(f64::NEG_INFINITY, 3.0), Some(0.0));
    }

    #[test]
    fn the_normal_tail_at_known_points() {
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-16);
        // P(Z > 1.959963984540054) = 0.025.
        assert!((normal_sf(1.959_963_984_540_054) - 0.025).abs() < 1e-16);
        assert!((normal_sf(-1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        assert!(normal_sf(f64::NAN).is_nan());
    }
}
