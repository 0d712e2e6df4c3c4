//! What every page's layout needs: title, organisation, navigation by role,
//! language switch, and the translations.

use kolo_core::auth::Action;
use kolo_core::lang::Lang;

use super::{RequestContext, assets, i18n};
use crate::app::AppState;

/// An entry of the main navigation, shown to those whose roles allow `action`.
struct NavEntry {
    href: &'static str,
    message_id: &'static str,
    action: Action,
}

/// The main navigation, in order. Domains add their entry here.
const NAVIGATION: &[NavEntry] = &[
    NavEntry {
        href: "/",
        message_id: "nav-dashboard",
        action: Action::ViewDashboard,
    },
    NavEntry {
        href: "/events",
        message_id: "nav-events",
        action: Action::ViewEvents,
    },
    NavEntry {
        href: "/participants",
        message_id: "nav-participants",
        action: Action::ViewParticipants,
    },
    NavEntry {
        href: "/clm",
        message_id: "nav-clm",
        action: Action::ViewClmProjects,
    },
    NavEntry {
        href: "/figures/events",
        message_id: "nav-event-figures",
        action: Action::ViewEventFigures,
    },
    NavEntry {
        href: "/outcomes/evidence",
        message_id: "nav-evidence",
        action: Action::ViewEvidence,
    },
    NavEntry {
        href: "/outcomes/questions",
        message_id: "nav-question-bank",
        action: Action::ManageQuestionBank,
    },
    NavEntry {
        href: "/admin/uic",
        message_id: "nav-uic",
        action: Action::ConfigureUic,
    },
    NavEntry {
        href: "/admin/users",
        message_id: "nav-users",
        action: Action::ManageUsers,
    },
    NavEntry {
        href: "/admin/security",
        message_id: "nav-security",
        action: Action::ManageSecurity,
    },
    NavEntry {
        href: "/admin/audit",

        message_id: "nav-audit",
        action: Action::ViewAudit,
    },
    NavEntry {
        href: "/account",
        message_id: "nav-account",
        action: Action::ManageOwnAccount,
    },
];

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The layout's data, shared by every template as `page`.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub org_name: String,
    pub demo: bool,
    pub user_name: Option<String>,
    pub nav: Vec<NavItem>,
    /// Empty when the page has no forms (an error before the request was identified).
    pub csrf: String,
    /// Where the language switch returns to.
    pub back: String,
    pub stylesheet: &'static str,
}

impl Page {
    pub fn new(app: &AppState, ctx: &RequestContext, title_id: &str) -> Page {
        let path = ctx.path_and_query.split('?').next().unwrap_or("/");
        let nav = match ctx.user() {
            Some(user) => NAVIGATION
                .iter()
                .filter(|entry| user.may(entry.action))
                .map(|entry| NavItem {
                    href: entry.href,
                    label: i18n::text(ctx.lang, entry.message_id),
                    current: path == entry.href
                        || (entry.href != "/" && path.starts_with(entry.href)),
                })
                .collect(),
            None => Vec::new(),
        };
        let back = if ctx.path_and_query.starts_with("/login") || ctx.path_and_query == "/language"
        {
            ctx.path_and_query.clone()
        } else {
            path.to_owned()
        };
        let org = app.org();
        Page {
            lang: ctx.lang,
            title: i18n::text(ctx.lang, title_id),
            org_name: org.name(ctx.lang).to_owned(),
            demo: org.demo,
            user_name: ctx.user().map(|u| u.display_name.clone()),
            nav,
            csrf: ctx.csrf_token.clone(),
            back,
            stylesheet: assets::stylesheet_href(),
        }
    }

    /// A page for a visitor Kolo could not identify (a failure before the guard).
    pub fn anonymous(app: &AppState, lang: Lang, title_id: &str) -> Page {
        let org = app.org();
        Page {
            lang,
            title: i18n::text(lang, title_id),
            org_name: org.name(lang).to_owned(),
            demo: org.demo,
            user_name: None,
            nav: Vec::new(),
            csrf: String::new(),
            back: "/".to_owned(),
            stylesheet: assets::stylesheet_href(),
        }
    }

    /// A translated message.
    pub fn t(&self, id: &str) -> String {
        i18n::text(self.lang, id)
    }

    /// A translated message with one argument.
    pub fn t1(&self, id: &str, name: &'static str, value: impl ToString) -> String {
        i18n::text_with(self.lang, id, &[(name, value.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Uk => Lang::En,
            Lang::En => Lang::Uk,
        }
    }

    /// The other language's name, in that language.
    pub fn other_lang_name(&self) -> String {
        i18n::text(self.other_lang(), "language-name")
    }
}
