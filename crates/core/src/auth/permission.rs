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
    /// Erase everything personal about a participant on their request.
    ForgetParticipants,
    /// See the event list, calendar and event pages (row-level rules in `events::event_access`).
    ViewEvents,
    /// Create events.
    CreateEvents,
    /// Edit events, register participants, mark attendance, print sheets (row-level rules apply).
    ManageEvents,
    /// Keep the lists of event types and funders.
    ManageEventSettings,
    /// See figures about events, with small counts hidden.
    ViewEventFigures,
    /// See the participant register (row-level rules in `events::participant_access`).
    ViewParticipants,
    /// Add participants and edit their records (row-level rules apply).
    ManageParticipants,
    /// Merge two records of the same person.
    MergeParticipants,
    /// Import a participant list from a file.
    ImportParticipants,
    /// Choose how participant codes are built.
    ConfigureUic,
    /// See an event's test, feedback and follow-up results (row-level rules:
    /// trainers their own events, monitors their oblast's).
    ViewOutcomes,
    /// Set up an event's instruments, open and close their codes, print
    /// handouts, type paper forms, import results (row-level: trainers their
    /// own events, coordinators all).
    ManageOutcomes,
    /// Keep the question bank and the templates.
    ManageQuestionBank,
    /// Compare learning outcomes across events (viewers see small figures hidden).
    ViewEvidence,
    /// See the monitoring projects one works on (row-level rules in `clm::project_access`).
    ViewClmProjects,
    /// Create monitoring projects and name the staff who work on them.
    CreateClmProjects,
    /// Upload, publish and close a project's forms and their media (row-level rules apply).
    ManageClmForms,
    /// Create and revoke a project's app users (field devices) (row-level rules apply).
    ManageClmAppUsers,
    /// Read a project's submissions (row-level: all, or one's own devices' only).
    ViewClmSubmissions,
    /// Set the review state of submissions, with comments (row-level rules apply).
    ReviewClmSubmissions,
    /// Export a project's submissions as CSV, XLSX and ZIP (row-level rules apply).
    ExportClmSubmissions,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewDashboard,
        Action::ManageOwnAccount,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::UnlockVault,
        Action::ManageSecurity,
        Action::ForgetParticipants,
        Action::ViewEvents,
        Action::CreateEvents,
        Action::ManageEvents,
        Action::ManageEventSettings,
        Action::ViewEventFigures,
        Action::ViewParticipants,
        Action::ManageParticipants,
        Action::MergeParticipants,
        Action::ImportParticipants,
        Action::ConfigureUic,
        Action::ViewOutcomes,
        Action::ManageOutcomes,
        Action::ManageQuestionBank,
        Action::ViewEvidence,
        Action::ViewClmProjects,
        Action::CreateClmProjects,
        Action::ManageClmForms,
        Action::ManageClmAppUsers,
        Action::ViewClmSubmissions,
        Action::ReviewClmSubmissions,
        Action::ExportClmSubmissions,
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
            Action::ViewEvents
            | Action::ViewParticipants
            | Action::ManageParticipants
            | Action::ViewOutcomes => &[Coordinator, Trainer, Monitor],
            Action::ManageEvents | Action::ManageOutcomes | Action::ManageQuestionBank => {
                &[Coordinator, Trainer]
            }
            Action::CreateEvents
            | Action::ManageEventSettings
            | Action::MergeParticipants
            | Action::ImportParticipants => &[Coordinator],
            Action::ViewEventFigures | Action::ViewEvidence => {
                &[Coordinator, Trainer, Monitor, Viewer]
            }
            Action::ConfigureUic => &[Admin],
            Action::ForgetParticipants => &[Admin, Coordinator],
            // Project managers and data viewers may be any of these; the
            // project's own list of staff decides (`clm::project_access`).
            Action::ViewClmProjects
            | Action::ManageClmForms
            | Action::ManageClmAppUsers
            | Action::ViewClmSubmissions
            | Action::ReviewClmSubmissions
            | Action::ExportClmSubmissions => &[Coordinator, Trainer, Monitor],
            Action::CreateClmProjects => &[Coordinator],
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
            Action::ForgetParticipants => "forget_participants",
            Action::ViewEvents => "view_events",
            Action::CreateEvents => "create_events",
            Action::ManageEvents => "manage_events",
            Action::ManageEventSettings => "manage_event_settings",
            Action::ViewEventFigures => "view_event_figures",
            Action::ViewParticipants => "view_participants",
            Action::ManageParticipants => "manage_participants",
            Action::MergeParticipants => "merge_participants",
            Action::ImportParticipants => "import_participants",
            Action::ConfigureUic => "configure_uic",
            Action::ViewOutcomes => "view_outcomes",
            Action::ManageOutcomes => "manage_outcomes",
            Action::ManageQuestionBank => "manage_question_bank",
            Action::ViewEvidence => "view_evidence",
            Action::ViewClmProjects => "view_clm_projects",
            Action::CreateClmProjects => "create_clm_projects",
            Action::ManageClmForms => "manage_clm_forms",
            Action::ManageClmAppUsers => "manage_clm_app_users",
            Action::ViewClmSubmissions => "view_clm_submissions",
            Action::ReviewClmSubmissions => "review_clm_submissions",
            Action::ExportClmSubmissions => "export_clm_submissions",
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
