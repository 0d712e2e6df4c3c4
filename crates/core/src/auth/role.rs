//! The staff roles, and sets of them.

use std::fmt;

/// What a member of staff does in the organisation. A person may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Runs the server, users, keys and backups.
    Admin,
    /// Plans, events, consultations, reports: everything of the programme.
    Coordinator,
    /// Runs their own events: attendance, tests, feedback, materials.
    Trainer,
    /// A regional leader, paralegal or peer who collects monitoring data and documents cases.
    Monitor,
    /// Follows documented cases: responses, referrals, follow-ups.
    CaseWorker,
    /// Reads aggregated figures only (a donor, a board member).
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Coordinator,
        Role::Trainer,
        Role::Monitor,
        Role::CaseWorker,
        Role::Viewer,
    ];

    /// The stable name used in the database, the API and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Trainer => "trainer",
            Role::Monitor => "monitor",
            Role::CaseWorker => "case_worker",
            Role::Viewer => "viewer",
        }
    }

    /// Parses a role name; `case-worker` is accepted for `case_worker`.
    pub fn parse(name: &str) -> Option<Role> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The Fluent message id of the role's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Role::Admin => "role-admin",
            Role::Coordinator => "role-coordinator",
            Role::Trainer => "role-trainer",
            Role::Monitor => "role-monitor",
            Role::CaseWorker => "role-case_worker",
            Role::Viewer => "role-viewer",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of roles, small and cheap to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    pub const EMPTY: RoleSet = RoleSet(0);

    pub fn of(roles: &[Role]) -> RoleSet {
        roles.iter().copied().collect()
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles in their fixed order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Whether any role in the set may perform `action`.
    pub fn may(self, action: super::Action) -> bool {
        action.allowed_roles().iter().any(|r| self.contains(*r))
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let mut set = RoleSet::EMPTY;
        for role in iter {
            set.insert(role);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Case-Worker"), Some(Role::CaseWorker));
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn role_sets_hold_what_was_inserted() {
        let set = RoleSet::of(&[Role::Monitor, Role::Trainer]);
        assert!(set.contains(Role::Monitor));
        assert!(!set.contains(Role::Admin));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Role::Trainer, Role::Monitor]
        );
    }
}
