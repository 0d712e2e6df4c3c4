use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use kolo_core::auth::{Action, Role, User};

use crate::app::AppState;
use crate::web::{Access, AppError, Page, RequestContext, RouteTable, Staff, i18n};

pub fn routes() -> RouteTable {
    RouteTable::new().get("/", Access::Staff(Action::ViewDashboard), dashboard)
}

/// One box on the dashboard: a figure, a sentence, and where to go next.
pub struct Card {
    pub title: String,
    pub figure: Option<String>,
    pub lines: Vec<String>,
    pub links: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Page,
    greeting: String,
    cards: Vec<Card>,
}

async fn dashboard(
    State(app): State<AppState>,
    ctx: RequestContext,
    staff: Staff,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let user = &staff.user;
    let mut cards = Vec::new();
    if user.may(Action::ManageUsers) || user.roles.contains(Role::Coordinator) {
        let users = app.store.users().await?;
        if user.may(Action::ManageUsers) {
            cards.push(staff_card(lang, &users));
        }
        cards.push(regions_card(lang, &users));
    }
    cards.push(account_card(lang, user));
    let page = DashboardPage {
        page: Page::new(&app, &ctx, "dashboard-title"),
        greeting: i18n::text_with(
            lang,
            "dashboard-greeting",
            &[("name", user.display_name.clone())],
        ),
        cards,
    };
    Ok(Html(page.render()?))
}

fn staff_card(lang: kolo_core::lang::Lang, users: &[User]) -> Card {
    let active: Vec<&User> = users.iter().filter(|u| !u.disabled).collect();
    let mut lines: Vec<String> = Role::ALL
        .iter()
        .map(|role| {
            let count = active.iter().filter(|u| u.roles.contains(*role)).count();
            format!("{}: {count}", i18n::text(lang, role.message_id()))
        })
        .collect();
    let uncovered: Vec<String> = Role::ALL
        .iter()
        .filter(|role| !active.iter().any(|u| u.roles.contains(**role)))
        .map(|role| i18n::text(lang, role.message_id()))
        .collect();
    if !uncovered.is_empty() {
        lines.push(i18n::text_with(
            lang,
            "dashboard-roles-uncovered",
            &[("roles", uncovered.join(", "))],
        ));
    }
    Card {
        title: i18n::text(lang, "dashboard-staff-title"),
        figure: Some(active.len().to_string()),
        lines,
        links: vec![
            ("/admin/users", i18n::text(lang, "dashboard-manage-users")),
            ("/admin/users/new", i18n::text(lang, "users-new")),
        ],
    }
}

/// Where the organisation has people on its team, by region.
fn regions_card(lang: kolo_core::lang::Lang, users: &[User]) -> Card {
    let mut by_region: BTreeMap<String, usize> = BTreeMap::new();
    for oblast in users
        .iter()
        .filter(|u| !u.disabled)
        .filter_map(|u| u.oblast)
    {
        *by_region
            .entry(i18n::text(lang, &oblast.message_id()))
            .or_default() += 1;
    }
    Card {
        title: i18n::text(lang, "dashboard-regions-title"),
        figure: Some(by_region.len().to_string()),
        lines: by_region
            .into_iter()
            .map(|(region, people)| format!("{region}: {people}"))
            .collect(),
        links: Vec::new(),
    }
}

fn account_card(lang: kolo_core::lang::Lang, user: &User) -> Card {
    let roles: Vec<String> = user
        .roles
        .iter()
        .map(|r| i18n::text(lang, r.message_id()))
        .collect();
    let mut lines = vec![i18n::text_with(
        lang,
        "dashboard-your-roles",
        &[("roles", roles.join(", "))],
    )];
    if let Some(oblast) = user.oblast {
        lines.push(i18n::text(lang, &oblast.message_id()));
    }
    Card {
        title: i18n::text(lang, "dashboard-account-title"),
        figure: None,
        lines,
        links: vec![
            (
                "/account#password",
                i18n::text(lang, "account-change-password"),
            ),
            ("/account#tokens", i18n::text(lang, "account-tokens-title")),
        ],
    }
}
