//! App users: the credential of one field device (one monitor's phone) on one
//! project. The token travels in Collect's server URL and QR code; the store
//! keeps only its SHA-256, so a copy of the database hands out no device.

use super::ids::{AppUserId, ProjectId};
use crate::auth::UserId;
use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppUser {
    pub id: AppUserId,
    pub project_id: ProjectId,
    /// A label chosen by staff ("Odesa monitor 2"); a pseudonym, not a full name.
    pub display_name: String,
    /// The staff account of the monitor who carries the device, if any: they
    /// then see the submissions it sent.
    pub user_id: Option<UserId>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl AppUser {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// What the store keeps for a new app user.
#[derive(Clone, Debug)]
pub struct NewAppUser {
    pub id: AppUserId,
    pub project_id: ProjectId,
    pub display_name: String,
    pub user_id: Option<UserId>,
    /// `ids::token_hash` of the token shown once to staff.
    pub token_hash: String,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
}
