//! Staff accounts over the API.

use axum::Json;
use axum::extract::State;
use kolo_core::auth::{Action, User};
use serde::Serialize;

use crate::app::AppState;
use crate::web::{Access, ApiDoc, AppError, RouteTable, Staff};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .api_get(
            "/api/v1/me",
            Access::Staff(Action::ManageOwnAccount),
            ApiDoc {
                summary: "The account the token belongs to",
                response: "User",
            },
            me,
        )
        .api_get(
            "/api/v1/users",
            Access::Staff(Action::ManageUsers),
            ApiDoc {
                summary: "Every staff account, ordered by login",
                response: "UserList",
            },
            users,
        )
}

/// A staff account as the API shows it (the `User` schema).
#[derive(Serialize)]
pub struct UserJson {
    id: String,
    login: String,
    display_name: String,
    roles: Vec<&'static str>,
    oblast: Option<&'static str>,
    language: Option<&'static str>,
    disabled: bool,
}

impl From<&User> for UserJson {
    fn from(user: &User) -> Self {
        UserJson {
            id: user.id.0.clone(),
            login: user.login.to_string(),
            display_name: user.display_name.clone(),
            roles: user.roles.iter().map(|r| r.as_str()).collect(),
            oblast: user.oblast.map(|o| o.code()),
            language: user.language.map(|l| l.code()),
            disabled: user.disabled,
        }
    }
}

async fn me(staff: Staff) -> Json<UserJson> {
    Json(UserJson::from(&staff.user))
}

#[derive(Serialize)]
struct UserList {
    users: Vec<UserJson>,
}

async fn users(State(app): State<AppState>) -> Result<Json<UserList>, AppError> {
    let users = app.store.users().await?;
    Ok(Json(UserList {
        users: users.iter().map(UserJson::from).collect(),
    }))
}
