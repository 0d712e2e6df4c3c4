//! A share of people: a count out of a total, kept as both numbers so that
//! pages can print "12 of 15 (80%)" and suppression can check both.

/// `count` people out of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Share {
    pub count: usize,
    pub of: usize,
}

impl Share {
    /// `None` when `count` exceeds `of`.
    pub fn new(count: usize, of: usize) -> Option<Self> {
        (count <= of).then_some(Self { count, of })
    }

    /// The share as a fraction from 0 to 1; 0 for a share of nobody.
    pub fn fraction(self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            self.count as f64 / self.of as f64
        }
    }

    /// The share as a percentage from 0 to 100.
    pub fn percent(self) -> f64 {
        100.0 * self.fraction()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_cannot_count_more_people_than_its_total() {
        assert_eq!(Share::new(3, 2), None);
        assert_eq!(Share::new(3, 4).map(Share::percent), Some(75.0));
        assert_eq!(Share::new(0, 0).map(Share::fraction), Some(0.0));
    }
}
