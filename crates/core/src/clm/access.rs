//! Row-level rules for monitoring projects, beyond the permission table.
//!
//! - Coordinators manage every project.
//! - Staff named on a project as manager manage it; as data viewer, they read
//!   its submissions.
//! - Monitors read the submissions sent by the app users linked to their account,
//!   and only on projects they are assigned to: named on the staff, or holding
//!   one of the project's app users. Any other project does not exist for them.
//! - Viewers (donors, board) see no submission at all: only suppressed figures.
//! - Everyone else (trainers, admins, …) sees only the projects they are named on.

use super::project::ProjectRole;
use crate::auth::{Role, User};

/// What a person may do with one project, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProjectAccess {
    None,
    /// Only the submissions of the app users linked to this person.
    OwnSubmissions,
    /// Every submission of the project, read-only, and exports.
    Data,
    /// Forms, attachments, app users, reviews, and the data.
    Manage,
}

/// `staff_role` is the person's role on this project, if they are named on it;
/// `holds_device` whether one of the project's app users is linked to them.
pub fn project_access(
    user: &User,
    staff_role: Option<ProjectRole>,
    holds_device: bool,
) -> ProjectAccess {
    if user.disabled {
        return ProjectAccess::None;
    }
    let mut access = match staff_role {
        Some(ProjectRole::Manager) => ProjectAccess::Manage,
        Some(ProjectRole::DataViewer) => ProjectAccess::Data,
        None => ProjectAccess::None,
    };
    if user.roles.contains(Role::Coordinator) {
        access = ProjectAccess::Manage;
    } else if user.roles.contains(Role::Monitor) && (staff_role.is_some() || holds_device) {
        access = access.max(ProjectAccess::OwnSubmissions);
    }
    if user.roles.iter().all(|r| r == Role::Viewer) {
        // A viewer who is nothing else never reads submissions, even if named.
        access = ProjectAccess::None;
    }
    access
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{LoginName, RoleSet, UserId};
    use crate::time::Timestamp;

    fn user(roles: &[Role]) -> User {
        User {
            id: UserId("u".into()),
            login: LoginName::parse("someone").unwrap(),
            display_name: "Someone".into(),
            roles: RoleSet::of(roles),
            oblast: None,
            language: None,
            disabled: false,
            created_at: Timestamp(0),
        }
    }

    #[test]
    fn coordinators_manage_and_viewers_see_nothing() {
        assert_eq!(
            project_access(&user(&[Role::Coordinator]), None, false),
            ProjectAccess::Manage
        );
        assert_eq!(
            project_access(&user(&[Role::Viewer]), Some(ProjectRole::Manager), false),
            ProjectAccess::None
        );
        assert_eq!(
            project_access(
                &user(&[Role::Trainer]),
                Some(ProjectRole::DataViewer),
                false
            ),
            ProjectAccess::Data
        );
        assert_eq!(
            project_access(&user(&[Role::Admin]), None, false),
            ProjectAccess::None
        );
    }

    #[test]
    fn monitors_see_only_the_projects_they_are_assigned_to() {
        let monitor = user(&[Role::Monitor]);
        assert_eq!(project_access(&monitor, None, false), ProjectAccess::None);
        assert_eq!(
            project_access(&monitor, None, true),
            ProjectAccess::OwnSubmissions
        );
        assert_eq!(
            project_access(&monitor, Some(ProjectRole::DataViewer), false),
            ProjectAccess::Data
        );
        // A device alone gives other staff nothing.
        assert_eq!(
            project_access(&user(&[Role::Trainer]), None, true),
            ProjectAccess::None
        );
    }
}
