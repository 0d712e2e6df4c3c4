//! Ukraine's regions, by their ISO 3166-2:UA codes.
//!
//! Names live in the Fluent files (`oblast-UA-05`, ...), like every string a person
//! reads; this type only knows the codes.

use std::fmt;

macro_rules! oblasts {
    ($($variant:ident => $code:literal,)*) => {
        /// An oblast, the Autonomous Republic of Crimea, or a city with special status.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Oblast { $($variant,)* }

        impl Oblast {
            /// Every region, in the order of their codes.
            pub const ALL: &'static [Oblast] = &[$(Oblast::$variant,)*];

            /// The ISO 3166-2:UA code, e.g. `UA-46` for Lviv oblast.
            pub fn code(self) -> &'static str {
                match self { $(Oblast::$variant => $code,)* }
            }

            /// Parses an ISO 3166-2:UA code such as `UA-46`.
            pub fn from_code(code: &str) -> Option<Oblast> {
                match code.trim() { $($code => Some(Oblast::$variant),)* _ => None }
            }
        }
    };
}

oblasts! {
    Vinnytsia => "UA-05",
    Volyn => "UA-07",
    Luhansk => "UA-09",
    Dnipropetrovsk => "UA-12",
    Donetsk => "UA-14",
    Zhytomyr => "UA-18",
    Zakarpattia => "UA-21",
    Zaporizhzhia => "UA-23",
    IvanoFrankivsk => "UA-26",
    KyivCity => "UA-30",
    Kyiv => "UA-32",
    Kirovohrad => "UA-35",
    SevastopolCity => "UA-40",
    Crimea => "UA-43",
    Lviv => "UA-46",
    Mykolaiv => "UA-48",
    Odesa => "UA-51",
    Poltava => "UA-53",
    Rivne => "UA-56",
    Sumy => "UA-59",
    Ternopil => "UA-61",
    Kharkiv => "UA-63",
    Kherson => "UA-65",
    Khmelnytskyi => "UA-68",
    Cherkasy => "UA-71",
    Chernivtsi => "UA-74",
    Chernihiv => "UA-77",
}

impl Oblast {
    /// The Fluent message id of the region's name.
    pub fn message_id(self) -> String {
        format!("oblast-{}", self.code())
    }
}

impl fmt::Display for Oblast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_27_regions_round_trip_through_their_codes() {
        assert_eq!(Oblast::ALL.len(), 27);
        for &oblast in Oblast::ALL {
            assert_eq!(Oblast::from_code(oblast.code()), Some(oblast));
        }
        assert_eq!(Oblast::from_code("UA-99"), None);
    }
}
