//! The one table that says which roles may do what.
//!
//! Every route of the server declares one `Action`; the server checks it in a
//! single place before the handler runs. Domains add their actions here, so a
//! reviewer reads every permission of Kolo on one screen.

use super::Role::{self, *};

/// Something a member of staff asks Kolo to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// See one's own dashboard.
    ViewDashboard,
    /// Read and change one's own account: password, language, API tokens.
    ManageOwnAccount,
    /// Create, edit and disable staff accounts and assign roles.
    ManageUsers,
    /// Read and export the audit log.
    ViewAudit,
    /// Give the passphrase that unlocks a sealed server.
    UnlockVault,
    /// Set security policy: which roles need two-factor sign-in.
    ManageSecurity,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewDashboard,
        Action::ManageOwnAccount,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::UnlockVault,
        Action::ManageSecurity,
    ];

    /// The roles allowed to perform this action. Deny by default: a role that is
    /// not listed may not.
    pub fn allowed_roles(self) -> &'static [Role] {
        const EVERY_ROLE: &[Role] = &Role::ALL;
        match self {
            Action::ViewDashboard | Action::ManageOwnAccount => EVERY_ROLE,
            Action::ManageUsers
            | Action::ViewAudit
            | Action::UnlockVault
            | Action::ManageSecurity => &[Admin],
        }
    }

    /// A stable name for logs, the audit log and the API description.
    pub fn name(self) -> &'static str {
        match self {
            Action::ViewDashboard => "view_dashboard",
            Action::ManageOwnAccount => "manage_own_account",
            Action::ManageUsers => "manage_users",
            Action::ViewAudit => "view_audit",
            Action::UnlockVault => "unlock_vault",
            Action::ManageSecurity => "manage_security",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::RoleSet;

    #[test]
    fn only_admins_manage_users() {
        for role in Role::ALL {
            assert_eq!(RoleSet::of(&[role]).may(Action::ManageUsers), role == Admin);
        }
    }

    #[test]
    fn a_person_without_roles_may_do_nothing() {
        for &action in Action::ALL {
            assert!(!RoleSet::EMPTY.may(action));
        }
    }
}
