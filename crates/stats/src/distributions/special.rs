//! Special functions behind the normal and Student t distributions, written
//! for double precision: log-gamma, log-beta, and the regularized incomplete
//! beta and gamma functions.
//!
//! Every function returns a probability pair `(lower, upper)` where it can:
//! the side that is computed directly is accurate to a few ulps even when it
//! is tiny, and the other side is its complement. Callers take the side they
//! need, so tail probabilities never lose precision in `1 - x`.

/// ln(2π)/2.
const HALF_LN_TWO_PI: f64 = 0.918_938_533_204_672_8;

/// Below this argument, log-gamma shifts its argument up with the recurrence
/// Γ(x + 1) = xΓ(x) before using Stirling's series; at 15 the first omitted
/// term of the series is about 2e-21.
const STIRLING_FROM: f64 = 15.0;

/// Relative size of the last continued-fraction or series term we still add.
const CONVERGED: f64 = 1e-16;

/// Far more iterations than any argument in double precision needs (the
/// incomplete beta continued fraction needs about √a of them for large a);
/// the cap only guards against looping on arguments that are not numbers.
const MAX_ITERATIONS: usize = 200_000;

/// Guards Lentz's method against dividing by zero.
const TINY: f64 = 1e-300;

/// Natural logarithm of the gamma function for `x > 0`.
///
/// Absolute error below about 1e-14 over the range the distributions use.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x >= STIRLING_FROM {
        return stirling(x);
    }
    // lnΓ(x) = lnΓ(x + k) - ln(x (x+1) ... (x+k-1)).
    let mut shifted = x;
    let mut product = 1.0;
    while shifted < STIRLING_FROM {
        product *= shifted;
        shifted += 1.0;
    }
    stirling(shifted) - product.ln()
}

/// Natural logarithm of the beta function B(a, b) for `a, b > 0`.
///
/// When one argument is large the difference lnΓ(a) - lnΓ(a + b) is formed
/// from Stirling's series directly, so the two large, nearly equal
/// log-gammas never cancel. This keeps the Student t distribution accurate
/// for hundreds of thousands of degrees of freedom.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (large, small) = if a >= b { (a, b) } else { (b, a) };
    if large < STIRLING_FROM {
        return ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    }
    ln_gamma(small) + ln_gamma_difference(large, small)
}

/// lnΓ(large) - lnΓ(large + small) for `large >= STIRLING_FROM`, from
/// Stirling's series with the leading terms combined by hand:
/// -(large - ½) ln(1 + small/large) - small ln(large + small) + small,
/// plus the difference of the series' corrections.
fn ln_gamma_difference(large: f64, small: f64) -> f64 {
    let sum = large + small;
    -(large - 0.5) * (small / large).ln_1p() - small * sum.ln() + small + stirling_correction(large)
        - stirling_correction(sum)
}

/// The regularized incomplete beta function as `(I_x(a, b), 1 - I_x(a, b))`,
/// for `a, b > 0` and `x + y = 1` with `x, y` in `[0, 1]`.
///
/// `y` is passed alongside `x` so that callers who know `1 - x` more
/// precisely than the subtraction would give it (the Student t distribution
/// does) keep that precision.
pub(crate) fn incomplete_beta(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    // With one large and one small parameter the continued fraction loses
    // digits near the mean (its first denominator cancels to about 2/a),
    // so the upper half is computed from an asymptotic expansion instead.
    if a >= STIRLING_FROM && b <= 1.0 && x >= 0.5 {
        let lower = incomplete_beta_large_a(a, b, x, y);
        return (lower, 1.0 - lower);
    }
    if b >= STIRLING_FROM && a <= 1.0 && y >= 0.5 {
        let upper = incomplete_beta_large_a(b, a, y, x);
        return (1.0 - upper, upper);
    }
    // The continued fraction converges fast below the mean of the
    // distribution; above it, use I_x(a, b) = 1 - I_y(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = incomplete_beta_fraction(a, b, x, y);
        (lower, 1.0 - lower)
    } else {
        let upper = incomplete_beta_fraction(b, a, y, x);
        (1.0 - upper, upper)
    }
}

/// The regularized incomplete gamma function as `(P(a, x), Q(a, x))`, for
/// `a > 0` and `x >= 0`.
pub(crate) fn incomplete_gamma(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series: P = x^a e^-x / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
        let mut term = 1.0 / a;
        let mut sum = term;
        for n in 1..MAX_ITERATIONS {
            term *= x / (a + n as f64);
            sum += term;
            if term.abs() < sum.abs() * CONVERGED {
                break;
            }
        }
        let lower = (ln_front.exp() * sum).min(1.0);
        (lower, 1.0 - lower)
    } else {
        // Legendre's continued fraction for Q, by Lentz's method:
        // Q = x^a e^-x / Γ(a) · 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - …))).
        let fraction = lentz(|j| {
            let k = (j - 1) as f64;
            let partial_numerator = if j == 1 { 1.0 } else { -k * (k - a) };
            let partial_denominator = x + 2.0 * j as f64 - 1.0 - a;
            (partial_numerator, partial_denominator)
        });
        let upper = (ln_front.exp() * fraction).min(1.0);
        (1.0 - upper, upper)
    }
}

/// Stirling's series for lnΓ(x), x >= `STIRLING_FROM`.
fn stirling(x: f64) -> f64 {
    (x - 0.5) * x.ln() - x + HALF_LN_TWO_PI + stirling_correction(x)
}

/// lnΓ(x) - [(x - ½) ln x - x + ½ ln 2π] for x >= `STIRLING_FROM`: the sum of
/// B₂ₖ / (2k (2k-1) x^(2k-1)) for k = 1..8.
fn stirling_correction(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 8] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
        -3617.0 / 122_400.0,
    ];
    let inverse = 1.0 / x;
    let inverse_squared = inverse * inverse;
    let series = COEFFICIENTS
        .iter()
        .rev()
        .fold(0.0, |acc, coefficient| acc * inverse_squared + coefficient);
    series * inverse
}

/// I_x(a, b) for large `a` and `b <= 1`, with `x >= 1/2`, by expanding the
/// integrand around x = 1 (the method of DiDonato and Morris's BGRAT):
///
/// with t = e^-w, ∫₀ˣ t^(a-1) (1-t)^(b-1) dt = ∫_w₀^∞ e^(-Tw) w^(b-1) φ(w) dw,
/// where w₀ = -ln x, T = a + (b - 1)/2 and φ(w) = (sinh(w/2) / (w/2))^(b-1)
/// = Σ pₙ w^(2n). Integrating term by term gives incomplete gammas:
///
/// I_x(a, b) = Q(b, u) · Γ(a+b) / (Γ(a) T^b) · Σ pₙ jₙ, with u = T w₀ and
/// jₙ = Γ(b + 2n, u) / (Γ(b, u) T^(2n)), j₀ = 1, and
/// jₙ₊₁ = ((s+1) s jₙ + (s + 1 + u) g₀ w₀^(2n)) / T², s = b + 2n,
/// g₀ = u^b e^-u / Γ(b, u), from Γ(s+2, u) = (s+1)sΓ(s, u) + u^s e^-u (s+1+u).
///
/// The pₙ come from ln φ(w) = (b-1) Σ B₂ₖ w^(2k) / (2k (2k)!). Terms shrink
/// like (2n)! / (2πT)^(2n), so for T >= 14.75 fifteen of them reach far
/// below double precision.
fn incomplete_beta_large_a(a: f64, b: f64, x: f64, y: f64) -> f64 {
    /// B₂, B₄, …, B₃₀.
    const BERNOULLI: [f64; 15] = [
        1.0 / 6.0,
        -1.0 / 30.0,
        1.0 / 42.0,
        -1.0 / 30.0,
        5.0 / 66.0,
        -691.0 / 2730.0,
        7.0 / 6.0,
        -3617.0 / 510.0,
        43_867.0 / 798.0,
        -174_611.0 / 330.0,
        854_513.0 / 138.0,
        -236_364_091.0 / 2730.0,
        8_553_103.0 / 6.0,
        -23_749_461_029.0 / 870.0,
        8_615_841_276_005.0 / 14_322.0,
    ];
    let w0 = -(if x <= 0.5 { x.ln() } else { (-y).ln_1p() });
    let t = a + 0.5 * (b - 1.0);
    let u = t * w0;
    let (_, q) = incomplete_gamma(b, u);
    if q <= 0.0 {
        return 0.0;
    }
    let g0 = (b * u.ln() - u - ln_gamma(b)).exp() / q;
    let ln_prefix = -ln_gamma_difference(a, b) - b * t.ln();

    // Coefficients of ln φ in powers of w², then of φ itself.
    let mut log_coefficients = [0.0; BERNOULLI.len()];
    let mut factorial = 1.0;
    for (k, (coefficient, bernoulli)) in log_coefficients.iter_mut().zip(BERNOULLI).enumerate() {
        let two_k = 2.0 * (k + 1) as f64;
        factorial *= (two_k - 1.0) * two_k;
        *coefficient = bernoulli / (two_k * factorial);
    }
    let mut p = [0.0; BERNOULLI.len() + 1];
    p[0] = 1.0;

    let w0_squared = w0 * w0;
    let t_squared = t * t;
    let mut j = 1.0;
    let mut w0_power = 1.0;
    let mut sum = 1.0;
    for n in 1..p.len() {
        let s = b + 2.0 * (n - 1) as f64;
        j = ((s + 1.0) * s * j + (s + 1.0 + u) * g0 * w0_power) / t_squared;
        w0_power *= w0_squared;
        let weighted: f64 = (1..=n)
            .map(|k| k as f64 * log_coefficients[k - 1] * p[n - k])
            .sum();
        p[n] = (b - 1.0) * weighted / n as f64;
        let term = p[n] * j;
        sum += term;
        if term.abs() <= sum.abs() * CONVERGED {
            break;
        }
    }
    (q * ln_prefix.exp() * sum).clamp(0.0, 1.0)
}

/// I_x(a, b) by its continued fraction (Abramowitz & Stegun 26.5.8), which
/// converges quickly for x < (a + 1)/(a + b + 2):
/// I_x(a, b) = x^a y^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …))).
fn incomplete_beta_fraction(a: f64, b: f64, x: f64, y: f64) -> f64 {
    let ln_x = if x <= 0.5 { x.ln() } else { (-y).ln_1p() };
    let ln_y = if y <= 0.5 { y.ln() } else { (-x).ln_1p() };
    let ln_front = a * ln_x + b * ln_y - ln_beta(a, b) - a.ln();
    let fraction = lentz(|j| {
        // j = 1 is the leading 1/(1 + …); d_k belongs to j = k + 1.
        if j == 1 {
            return (1.0, 1.0);
        }
        let k = j - 1;
        let m = (k / 2) as f64;
        let d = if k % 2 == 1 {
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
        } else {
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m))
        };
        (d, 1.0)
    });
    (ln_front.exp() * fraction).clamp(0.0, 1.0)
}

/// Evaluates the continued fraction a₁/(b₁ + a₂/(b₂ + …)) by the modified
/// Lentz method; `term(j)` gives (a_j, b_j) for j = 1, 2, ….
fn lentz(term: impl Fn(usize) -> (f64, f64)) -> f64 {
    let mut value = TINY;
    let mut c = TINY;
    let mut d = 0.0;
    for j in 1..MAX_ITERATIONS {
        let (numerator, denominator) = term(j);
        d = denominator + numerator * d;
        if d.abs() < TINY {
            d = TINY;
        }
        d = 1.0 / d;
        c = denominator + numerator / c;
        if c.abs() < TINY {
            c = TINY;
        }
        let delta = c * d;
        value *= delta;
        if (delta - 1.0).abs() < CONVERGED {
            break;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ln_factorial(n: u32) -> f64 {
        (1..=n).map(|k| f64::from(k).ln()).sum()
    }

    #[test]
    fn ln_gamma_of_integers_is_ln_factorial() {
        for n in 1..40 {
            let expected = ln_factorial(n - 1);
            let got = ln_gamma(f64::from(n));
            assert!((got - expected).abs() < 1e-13, "n={n}: {got} vs {expected}");
        }
    }

    #[test]
    fn ln_gamma_of_one_half_is_ln_root_pi() {
        let expected = std::f64::consts::PI.sqrt().ln();
        assert!((ln_gamma(0.5) - expected).abs() < 1e-14);
    }

    #[test]
    fn ln_beta_for_a_large_argument_agrees_with_the_plain_formula_where_both_are_exact() {
        // B(a, 1) = 1/a exactly.
        for a in [15.0, 100.0, 1e4, 1e6] {
            assert!((ln_beta(a, 1.0) + f64::ln(a)).abs() < 1e-12, "a={a}");
        }
    }

    #[test]
    fn incomplete_beta_with_b_one_is_a_power() {
        // I_x(a, 1) = x^a.
        for (a, x) in [(0.5, 0.3), (2.0, 0.7), (14.5, 0.95), (3.0, 0.01)] {
            let (lower, upper) = incomplete_beta(a, 1.0, x, 1.0 - x);
            let expected = f64::powf(x, a);
            assert!((lower - expected).abs() < 1e-14 * expected.max(1e-300));
            assert!((lower + upper - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn the_large_a_expansion_agrees_with_the_continued_fraction_away_from_the_mean() {
        // Far from the mean the continued fraction is well conditioned.
        for (a, b, x) in [
            (15.0, 0.5, 0.6),
            (40.0, 1.0, 0.8),
            (200.0, 0.5, 0.97),
            (20.0, 0.3, 0.5),
        ] {
            let expansion = incomplete_beta_large_a(a, b, x, 1.0 - x);
            let fraction = incomplete_beta_fraction(a, b, x, 1.0 - x);
            assert!(
                (expansion - fraction).abs() <= 1e-13 * fraction,
                "a={a}, b={b}, x={x}: {expansion} vs {fraction}"
            );
        }
    }

    #[test]
    fn the_large_a_expansion_with_b_one_is_a_power() {
        // I_x(a, 1) = x^a, right at the mean where the fraction would cancel.
        for a in [15.0, 1e3, 5e5] {
            let x: f64 = 1.0 - 1.0 / a;
            // x^a, from 1/a rather than the rounded x.
            let expected = (a * (-1.0 / a).ln_1p()).exp();
            let got = incomplete_beta_large_a(a, 1.0, x, 1.0 / a);
            assert!(
                (got - expected).abs() <= 1e-14 * expected,
                "a={a}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn incomplete_gamma_with_a_one_is_an_exponential() {
        // Q(1, x) = e^-x.
        for x in [0.1, 1.0, 1.9, 2.5, 30.0, 700.0] {
            let (_, upper) = incomplete_gamma(1.0, x);
            let expected = f64::exp(-x);
            assert!(
                (upper - expected).abs() <= 1e-13 * expected,
                "x={x}: {upper} vs {expected}"
            );
        }
    }
}
