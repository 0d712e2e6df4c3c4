//! The random identifiers of the monitoring domain.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub String);

        impl $name {
            /// A new random identifier.
            pub fn new() -> $name {
                $name(crate::ids::new_id())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id!(
    /// A monitoring project ("CLM 2024: HIV services"); appears in Collect's server URL.
    ProjectId
);
id!(
    /// A form of a project, whatever its versions.
    FormId
);
id!(
    /// One version (draft or published) of a form's definition.
    FormVersionId
);
id!(
    /// An app user: the credential of one field device.
    AppUserId
);
id!(
    /// A submission (one filled-in form), across its edits.
    SubmissionId
);
id!(
    /// One version of a submission: the first one received, or an edit.
    SubmissionVersionId
);
