//! Monitoring projects and the staff who work on them.

use super::ids::ProjectId;
use crate::auth::UserId;
use crate::time::Timestamp;

/// A monitoring project: a set of forms, app users and their submissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub description: String,
    pub archived: bool,
    pub created_at: Timestamp,
}

/// What a member of staff does on one project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProjectRole {
    /// Sees the data of the project (reads submissions, exports).
    DataViewer,
    /// Manages forms, app users and reviews; sees the data.
    Manager,
}

impl ProjectRole {
    pub const ALL: [ProjectRole; 2] = [ProjectRole::DataViewer, ProjectRole::Manager];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectRole::DataViewer => "data_viewer",
            ProjectRole::Manager => "manager",
        }
    }

    pub fn parse(text: &str) -> Option<ProjectRole> {
        ProjectRole::ALL
            .into_iter()
            .find(|r| r.as_str() == text.trim())
    }

    /// The Fluent id of its name.
    pub fn message_id(self) -> &'static str {
        match self {
            ProjectRole::DataViewer => "clm-project-role-data_viewer",
            ProjectRole::Manager => "clm-project-role-manager",
        }
    }
}

/// A member of staff on a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectStaff {
    pub project_id: ProjectId,
    pub user_id: UserId,
    pub role: ProjectRole,
}
