//! The demo organisation: a fictional sex-worker-led NGO in Ukraine, with a
//! national office, regional leaders in several oblasts, and one login per
//! staff role. Every page of a demo says "demo data". Later domains add their
//! demo events, tests, forms and cases here.

pub mod clm;
mod events;
mod outcomes;

pub use clm::{PROJECT_NAME as CLM_PROJECT_NAME, SUBMISSIONS as CLM_SUBMISSIONS};

use std::collections::HashMap;

use kolo_core::Store;
use kolo_core::auth::{LoginName, NewUser, Password, Role, RoleSet};
use kolo_core::org::{Oblast, setting};
use kolo_core::time::Timestamp;

/// A demo login, printed when the demo starts.
pub struct DemoLogin {
    pub role: Role,
    pub login: &'static str,
    pub password: &'static str,
}

struct DemoPerson {
    login: &'static str,
    name: &'static str,
    roles: &'static [Role],
    oblast: Option<Oblast>,
    password: &'static str,
}

// Passwords are public by design: the demo is for trying Kolo on one's own
// machine, and `kolo demo` listens on the loopback address unless told otherwise.
const FIELD_PASSWORD: &str = "kolo-demo-field-notes";

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        login: "admin",
        name: "Ірина (адміністраторка, демо)",
        roles: &[Role::Admin],
        oblast: None,
        password: "kolo-demo-key-keeper",
    },
    DemoPerson {
        login: "coordinator",
        name: "Олена (координаторка, демо)",
        roles: &[Role::Coordinator],
        oblast: Some(Oblast::KyivCity),
        password: "kolo-demo-plan-ahead",
    },
    DemoPerson {
        login: "trainer",
        name: "Марія (тренерка, демо)",
        roles: &[Role::Trainer],
        oblast: Some(Oblast::KyivCity),
        password: "kolo-demo-teach-well",
    },
    DemoPerson {
        login: "monitor",
        name: "Світлана (регіональна лідерка, Харків, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Kharkiv),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.odesa",
        name: "Наталя (регіональна лідерка, Одеса, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Odesa),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.lviv",
        name: "Оксана (регіональна лідерка, Львів, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Lviv),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.dnipro",
        name: "Тетяна (регіональна лідерка, Дніпро, демо)",
        roles: &[Role::Monitor, Role::Trainer],
        oblast: Some(Oblast::Dnipropetrovsk),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.poltava",
        name: "Людмила (регіональна лідерка, Полтава, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Poltava),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.mykolaiv",
        name: "Вікторія (регіональна лідерка, Миколаїв, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Mykolaiv),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "monitor.chernihiv",
        name: "Алла (регіональна лідерка, Чернігів, демо)",
        roles: &[Role::Monitor],
        oblast: Some(Oblast::Chernihiv),
        password: FIELD_PASSWORD,
    },
    DemoPerson {
        login: "caseworker",
        name: "Галина (кейс-менеджерка, демо)",
        roles: &[Role::CaseWorker],
        oblast: Some(Oblast::KyivCity),
        password: "kolo-demo-care-first",
    },
    DemoPerson {
        login: "viewer",
        name: "Донор (лише перегляд, демо)",
        roles: &[Role::Viewer],
        oblast: None,
        password: "kolo-demo-read-only",
    },
];

/// One login per staff role, as printed by `kolo demo`.
pub fn logins() -> Vec<DemoLogin> {
    Role::ALL
        .iter()
        .filter_map(|role| {
            PEOPLE
                .iter()
                .find(|p| p.roles == [*role])
                .map(|p| DemoLogin {
                    role: *role,
                    login: p.login,
                    password: p.password,
                })
        })
        .collect()
}

/// What a data directory holds, as far as the demo is concerned.
pub enum DataState {
    Empty,
    Demo,
    /// A real organisation's data: the demo must not touch it.
    Organisation,
}

pub async fn data_state(store: &dyn Store) -> anyhow::Result<DataState> {
    if store.setting(setting::DEMO).await?.as_deref() == Some("true") {
        return Ok(DataState::Demo);
    }
    if store.users().await?.is_empty() {
        Ok(DataState::Empty)
    } else {
        Ok(DataState::Organisation)
    }
}

/// Fills an empty store with the demo organisation. The vault encrypts the
/// fictional participants' personal details, as for real ones; the monitoring
/// form's files go to the blob store under `data_dir`.
pub async fn create(
    store: &dyn Store,
    vault: &crate::vault::Vault,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let now = Timestamp::now();
    store
        .set_setting(
            setting::ORG_NAME_UK,
            "ГО «Коло рівних» (вигадана демо-організація)",
        )
        .await?;
    store
        .set_setting(
            setting::ORG_NAME_EN,
            "Kolo Rivnykh NGO (a fictional demo organisation)",
        )
        .await?;
    let mut staff = HashMap::new();
    for person in PEOPLE {
        let login = LoginName::parse(person.login)
            .map_err(|p| anyhow::anyhow!("demo login {}: {p:?}", person.login))?;
        let password = Password::new(person.password, person.login)
            .map_err(|p| anyhow::anyhow!("demo password of {}: {p:?}", person.login))?;
        let password_hash = crate::passwords::hash(password).await?;
        let id = store
            .create_user(
                &NewUser {
                    login,
                    display_name: person.name.to_owned(),
                    roles: RoleSet::of(person.roles),
                    oblast: person.oblast,
                    password_hash,
                },
                now,
            )
            .await?;
        staff.insert(person.login, id);
    }
    events::create(store, vault, &staff).await?;
    outcomes::create(store, vault).await?;
    clm::create(store, data_dir, &staff).await?;
    // Written last: a demo interrupted half-way is not mistaken for a finished one.
    store.set_setting(setting::DEMO, "true").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_one_demo_login_for_every_role() {
        let logins = logins();
        assert_eq!(logins.len(), Role::ALL.len());
        for login in logins {
            assert!(
                Password::new(login.password, login.login).is_ok(),
                "{}",
                login.login
            );
        }
    }

    #[test]
    fn regional_leaders_work_in_at_least_six_oblasts() {
        let mut oblasts: Vec<Oblast> = PEOPLE
            .iter()
            .filter(|p| p.roles.contains(&Role::Monitor))
            .filter_map(|p| p.oblast)
            .collect();
        oblasts.sort();
        oblasts.dedup();
        assert!(oblasts.len() >= 6, "{oblasts:?}");
    }
}
